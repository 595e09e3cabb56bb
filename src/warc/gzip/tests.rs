//! Unit tests of gzip.

use super::*;
