//! Meta's family of APIs: one sign-in for Facebook, Instagram and Threads (`auth`), and the Graph
//! API plumbing their publishers share (`graph`: containers, the media host, quota). Each platform's
//! own publishing lives in its folder.

pub mod auth;
pub(crate) mod graph;
pub(crate) mod inbox;
pub(crate) mod metrics;
