//! Unit tests of read.

use super::*;
