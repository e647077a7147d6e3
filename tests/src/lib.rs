//! End-to-end tests of the whole hall live in `tests/tests/`.
