//! Voice calls: a call becomes clip names ([`words`]), clips become one WAV ([`clips`],
//! [`render`]), announcements are spoken one at a time ([`queue`]) through a [`sink`].

pub mod clips;
pub mod queue;
pub mod render;
pub mod sink;
pub mod words;
