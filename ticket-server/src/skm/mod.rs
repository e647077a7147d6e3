//! The Survei Kepuasan Masyarakat (SKM) of Permenpan RB 14/2017, pure: no I/O.
//!
//! - [`elements`]: the nine elements (U1–U9), each question with its own four answers in the
//!   regulation's wording, and the respondent's profile lists.
//! - [`score`]: NRR per element, weighted NRR, IKM, IKM × 25, grade and performance label.
//! - [`sample`]: the minimum sample for a population (the Krejcie–Morgan table the guidance uses).
//!
//! Where the answers come from (the rating tablet, the visitor's survey page) and how they are
//! stored is in `api::handlers::skm` and `store::skm`.

pub mod elements;
pub mod pdf;
pub mod sample;
pub mod score;

pub use elements::{Answers, Profile, ELEMENTS};
pub use score::{Grade, Index};
