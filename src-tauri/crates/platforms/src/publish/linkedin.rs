//! Linkedin publishing (in progress: replaced by the full client).

use async_trait::async_trait;

use super::{Limits, Post, Progress, Published, Publisher};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::tokens::TokenSet;

#[derive(Debug)]
pub struct LinkedinPublisher;

#[async_trait]
impl Publisher for LinkedinPublisher {
    fn platform(&self) -> Platform {
        Platform::Linkedin
    }

    fn limits(&self) -> Limits {
        Limits::for_platform(Platform::Linkedin)
    }

    async fn publish(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _post: &Post,
        _progress: Progress<'_>,
    ) -> Result<Published> {
        Err(Error::Unsupported {
            platform: Platform::Linkedin,
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
