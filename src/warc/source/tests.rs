//! Unit tests of source.

use super::*;
