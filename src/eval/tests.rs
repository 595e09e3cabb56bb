//! Unit tests of scoring.

use super::*;

#[test]
fn normalise_folds_blank_runs_and_trailing_spaces_only() {
    assert_eq!(normalise("\n\nA  \n\n\n\nB\t\n C\n\n"), "A\n\nB\n C");
    assert_ne!(normalise("A\nB"), normalise("A\n\nB"));
    assert_ne!(normalise("A B"), normalise("A  B"));
}

#[test]
fn token_overlap_counts_multisets() {
    assert_eq!(token_overlap("a a b x", "a b b"), (2, 4, 3));
}
