//! Unit tests of page.

use super::*;
