//! Unit tests of write.

use super::*;
