//! Unit tests of http.

use super::*;
