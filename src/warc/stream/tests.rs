//! Unit tests of stream.

use super::*;
