//! X publishing (in progress: replaced by the full client).

use async_trait::async_trait;

use super::{Limits, Post, Progress, Published, Publisher};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::tokens::TokenSet;

#[derive(Debug)]
pub struct XPublisher;

#[async_trait]
impl Publisher for XPublisher {
    fn platform(&self) -> Platform {
        Platform::X
    }

    fn limits(&self) -> Limits {
        Limits::for_platform(Platform::X)
    }

    async fn publish(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _post: &Post,
        _progress: Progress<'_>,
    ) -> Result<Published> {
        Err(Error::Unsupported {
            platform: Platform::X,
            what: "publishing yet",
        })
    }

    async fn lookup(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _post: &Post,
    ) -> Result<Option<Published>> {
        Ok(None)
    }
}
