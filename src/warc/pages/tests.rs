//! Unit tests of pages.

use super::*;
