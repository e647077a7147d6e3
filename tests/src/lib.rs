//! End-to-end tests of the whole hall live in `tests/tests/`; the `antri-demo` launcher, which
//! brings the whole hall up on one machine, lives in [`demo`].

pub mod demo;
