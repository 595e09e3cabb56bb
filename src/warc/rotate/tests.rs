//! Unit tests of rotate.

use super::*;
