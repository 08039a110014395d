//! YouTube through Google OAuth for desktop apps: loopback on any port, PKCE S256, a client secret
//! that Google itself says is not confidential, offline access for a refresh token that does not rotate.

use async_trait::async_trait;
use oauth2::AuthType;
use outpost_net::reqwest::Method;

use crate::Secret;
use crate::error::{Error, Result};
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{Ctx, OauthClient, Provider, Revocation, bearer_get, granted, oauth_client};
use crate::tokens::{Account, AccountKind, Grant, TokenSet};
use crate::transport::{self, Phase};

const AUTH: &str = "https://accounts.google.com/o/oauth2/v2/auth";
const TOKEN: &str = "https://oauth2.googleapis.com/token";
const REVOKE: &str = "https://oauth2.googleapis.com/revoke";
const CHANNELS: &str = "https://www.googleapis.com/youtube/v3/channels?part=snippet&mine=true";
const SCOPES: &[&str] = &[
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.readonly",
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
];

#[derive(Debug)]
pub struct Youtube;

fn client(ctx: Ctx<'_>, redirect: Option<&str>) -> Result<OauthClient> {
    oauth_client(
        ctx,
        Platform::Youtube,
        AUTH,
        TOKEN,
        redirect,
        AuthType::RequestBody,
    )
}

#[async_trait]
impl Provider for Youtube {
    fn platform(&self) -> Platform {
        Platform::Youtube
    }

    fn scopes(&self) -> &'static [&'static str] {
        SCOPES
    }

    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        Ok(crate::providers::standard_authorize(
            &client(ctx, Some(redirect_uri))?,
            Platform::Youtube,
            SCOPES,
            " ",
            redirect_uri,
            &[("access_type", "offline"), ("prompt", "consent")],
        ))
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        crate::providers::secret_of(ctx, Platform::Youtube)?;
        let tokens = crate::providers::standard_exchange(
            ctx,
            &client(ctx, Some(&req.redirect_uri))?,
            Platform::Youtube,
            req,
            code,
            &[],
        )
        .await?;
        Ok(Grant {
            granted_scopes: granted(&tokens, SCOPES),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let url = ctx.endpoints.url(Platform::Youtube, CHANNELS)?;
        let v = transport::send_json(
            ctx.http,
            Platform::Youtube,
            Phase::Api,
            bearer_get(ctx, url, &grant.tokens),
        )
        .await?;
        let items = v
            .get("items")
            .and_then(|i| i.as_array())
            .cloned()
            .unwrap_or_default();
        if items.is_empty() {
            return Err(Error::Rejected {
                platform: Platform::Youtube,
                status: None,
                reason:
                    "this Google account has no YouTube channel; create one on youtube.com first"
                        .into(),
            });
        }
        items
            .iter()
            .map(|item| {
                let sn = item.get("snippet").cloned().unwrap_or_default();
                let title = transport::str_field(Platform::Youtube, &sn, "title")?;
                Ok(Account {
                    platform_account_id: transport::str_field(Platform::Youtube, item, "id")?,
                    kind: AccountKind::Profile,
                    handle: transport::opt_str(&sn, "customUrl").unwrap_or_else(|| title.clone()),
                    display_name: title,
                    avatar_url: sn
                        .pointer("/thumbnails/default/url")
                        .and_then(|u| u.as_str())
                        .map(str::to_string),
                    tokens: grant.tokens.clone(),
                })
            })
            .collect()
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        crate::providers::standard_refresh(ctx, &client(ctx, None)?, Platform::Youtube, tokens, &[])
            .await
    }

    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation> {
        let url = ctx.endpoints.url(Platform::Youtube, REVOKE)?;
        let token = tokens
            .refresh_token
            .as_ref()
            .unwrap_or(&tokens.access_token);
        let rb = transport::request(ctx.http, Method::POST, url).form(&[("token", token.expose())]);
        transport::send_revoke(ctx.http, Platform::Youtube, rb).await
    }
}
