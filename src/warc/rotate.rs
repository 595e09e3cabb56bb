//! The WARC folder a crawl writes as it goes: request and response records of every fetch
//! into `cablestrip-<time>-<serial>.warc.gz`, a new file past a size limit, each written
//! as `NAME.open` and renamed when closed (as Heritrix does), so a file without `.open` is
//! complete and one with it is still being written or was left by a crash.
//!
//! Every exchange is flushed to the file as soon as it is written, so a crash loses at
//! most the exchange being written; the gzip member it was in is then cut short, which the
//! reader reports and passes over, and [`seal_abandoned`] cuts it off and renames the file.

use std::fs::{self, File, OpenOptions};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::error::WarcError;
use super::read::{Limits, WarcReader};
use super::write::{Compression, Request, Response, Revisit, WarcWriter, Written};

/// A file is closed and the next one started once it holds this many bytes (1 GB, the
/// size Heritrix and the IIPC's guidance use).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1_000_000_000;

/// What a file being written is named after.
pub const OPEN_SUFFIX: &str = ".open";

/// How a [`RotatingWriter`] names and fills its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotateOptions {
    /// The start of every file name.
    pub prefix: String,
    /// See [`DEFAULT_MAX_FILE_BYTES`]; a file may pass it by the last exchange written.
    pub max_file_bytes: u64,
    /// Gzip (`.warc.gz`) or plain (`.warc`).
    pub compression: Compression,
    /// Fields of the `warcinfo` record that opens every file (after the software and
    /// format), such as the rule files' versions.
    pub warcinfo_fields: Vec<(String, String)>,
}

impl Default for RotateOptions {
    fn default() -> RotateOptions {
        RotateOptions {
            prefix: "cablestrip".to_string(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            compression: Compression::default(),
            warcinfo_fields: Vec::new(),
        }
    }
}

/// The file being written.
#[derive(Debug)]
struct OpenWarc {
    writer: WarcWriter<BufWriter<File>>,
    open_path: PathBuf,
    final_path: PathBuf,
}

/// Writes fetches into a folder of WARC files, rotating them by size.
///
/// Dropping it closes the file being written (its errors then unseen); call
/// [`RotatingWriter::close`] to see them.
#[derive(Debug)]
pub struct RotatingWriter {
    dir: PathBuf,
    options: RotateOptions,
    serial: u32,
    current: Option<OpenWarc>,
    closed: Vec<PathBuf>,
}

impl RotatingWriter {
    /// A writer into `dir`, created when missing. No file is made until the first write.
    pub fn new(dir: &Path, options: RotateOptions) -> Result<RotatingWriter, WarcError> {
        fs::create_dir_all(dir).map_err(|source| WarcError::Write {
            file: dir.to_path_buf(),
            source,
        })?;
        Ok(RotatingWriter {
            dir: dir.to_path_buf(),
            options,
            serial: 0,
            current: None,
            closed: Vec::new(),
        })
    }

    /// Writes one fetch: its response, then the request that asked for it (naming the
    /// response in `WARC-Concurrent-To`), into the current file, and flushes them.
    pub fn write_exchange(
        &mut self,
        response: &Response<'_>,
        request: Option<&Request<'_>>,
    ) -> Result<(), WarcError> {
        self.write_pair(response.date, request, |w| w.write_response(response))
    }

    /// [`RotatingWriter::write_exchange`] for a fetch answered `304 Not Modified` (or
    /// with a body already archived): a `revisit` record, then the request.
    pub fn write_revisit_exchange(
        &mut self,
        revisit: &Revisit<'_>,
        request: Option<&Request<'_>>,
    ) -> Result<(), WarcError> {
        self.write_pair(revisit.date, request, |w| w.write_revisit(revisit))
    }

    fn write_pair(
        &mut self,
        date: Timestamp,
        request: Option<&Request<'_>>,
        answer: impl FnOnce(&mut WarcWriter<BufWriter<File>>) -> Result<Written, WarcError>,
    ) -> Result<(), WarcError> {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.writer.bytes_written() >= self.options.max_file_bytes)
        {
            self.close_current()?;
        }
        if self.current.is_none() {
            self.current = Some(self.open_file(date)?);
        }
        let Some(current) = self.current.as_mut() else {
            return Ok(());
        };
        let written = answer(&mut current.writer)?;
        if let Some(request) = request {
            current
                .writer
                .write_request(request, Some(&written.record_id))?;
        }
        current.writer.flush()
    }

    /// The file being written (its `.open` name), if any.
    pub fn current_path(&self) -> Option<&Path> {
        self.current.as_ref().map(|c| c.open_path.as_path())
    }

    /// The files closed so far, in order.
    pub fn closed(&self) -> &[PathBuf] {
        &self.closed
    }

    /// Closes the file being written; returns every file closed.
    pub fn close(mut self) -> Result<Vec<PathBuf>, WarcError> {
        self.close_current()?;
        Ok(std::mem::take(&mut self.closed))
    }

    fn open_file(&mut self, date: Timestamp) -> Result<OpenWarc, WarcError> {
        let stamp = jiff::tz::Offset::UTC
            .to_datetime(date)
            .strftime("%Y%m%d%H%M%S")
            .to_string();
        let extension = match self.options.compression {
            Compression::None => "warc",
            Compression::Gzip { .. } => "warc.gz",
        };
        loop {
            let name = format!(
                "{}-{stamp}-{:05}.{extension}",
                self.options.prefix, self.serial
            );
            self.serial = self.serial.saturating_add(1);
            let final_path = self.dir.join(&name);
            let open_path = self.dir.join(format!("{name}{OPEN_SUFFIX}"));
            if final_path.exists() {
                continue;
            }
            let file = match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&open_path)
            {
                Ok(file) => file,
                // Another writer (or a crashed run) has this name: take the next serial.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => {
                    return Err(WarcError::Write {
                        file: open_path,
                        source,
                    });
                }
            };
            let mut writer = WarcWriter::new(
                BufWriter::with_capacity(256 * 1024, file),
                &open_path,
                self.options.compression,
            );
            writer.write_warcinfo(date, Some(&name), &self.options.warcinfo_fields)?;
            return Ok(OpenWarc {
                writer,
                open_path,
                final_path,
            });
        }
    }

    fn close_current(&mut self) -> Result<(), WarcError> {
        let Some(current) = self.current.take() else {
            return Ok(());
        };
        let OpenWarc {
            writer,
            open_path,
            final_path,
        } = current;
        let write_error = |source| WarcError::Write {
            file: open_path.clone(),
            source,
        };
        let file = writer
            .into_inner()
            .into_inner()
            .map_err(|e| write_error(e.into_error()))?;
        // On disk before it is renamed: a complete name must mean a complete file.
        file.sync_all().map_err(write_error)?;
        drop(file);
        fs::rename(&open_path, &final_path).map_err(write_error)?;
        sync_dir(&self.dir);
        self.closed.push(final_path);
        Ok(())
    }
}

impl Drop for RotatingWriter {
    fn drop(&mut self) {
        // Errors cannot be reported from here; `close` is the way to see them.
        let _ = self.close_current();
    }
}

/// Makes a rename durable; where a folder cannot be synced, the rename still stands.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// What [`seal_abandoned`] did with one `.open` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The file's name now, without `.open`.
    pub path: PathBuf,
    /// The records it holds.
    pub records: u64,
    /// Bytes cut off its end: a record cut short by the crash, if any.
    pub cut_bytes: u64,
}

/// Closes the `.open` files a crashed writer left in `dir`: each is read through, cut
/// back to the end of its last whole record when its end is cut short or damaged (a
/// crash can leave a part-written member, or zeroed blocks), and renamed without
/// `.open`. Call it only when no writer is running in `dir`.
pub fn seal_abandoned(dir: &Path) -> Result<Vec<Sealed>, WarcError> {
    let mut sealed = Vec::new();
    let entries = fs::read_dir(dir).map_err(|source| WarcError::Dir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut open_files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(OPEN_SUFFIX))
        .collect();
    open_files.sort();
    for path in open_files {
        let file = File::open(&path).map_err(|source| WarcError::Open {
            file: path.clone(),
            source,
        })?;
        let length = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut records = 0;
        let mut cut_at = None;
        for item in WarcReader::starting_at(file, &path, 0, Limits::default())? {
            match item {
                Ok(_) => {
                    records += 1;
                    cut_at = None;
                }
                Err(error) if error.is_fatal() => return Err(error),
                // Damage is cut off only at the end, where a crash leaves it.
                Err(error) => cut_at = error.offset().or(cut_at),
            }
        }
        if let Some(offset) = cut_at {
            let handle = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|source| WarcError::Write {
                    file: path.clone(),
                    source,
                })?;
            handle
                .set_len(offset)
                .and_then(|()| handle.sync_all())
                .map_err(|source| WarcError::Write {
                    file: path.clone(),
                    source,
                })?;
        }
        let text = path.to_string_lossy();
        let final_path = PathBuf::from(text.trim_end_matches(OPEN_SUFFIX));
        if final_path.exists() {
            return Err(WarcError::Write {
                file: final_path,
                source: std::io::Error::other(
                    "a file of that name is already there; fix: move one of the two away",
                ),
            });
        }
        fs::rename(&path, &final_path).map_err(|source| WarcError::Write {
            file: path.clone(),
            source,
        })?;
        sealed.push(Sealed {
            path: final_path,
            records,
            cut_bytes: cut_at.map_or(0, |offset| length - offset),
        });
    }
    sync_dir(dir);
    Ok(sealed)
}

#[cfg(test)]
mod tests;
