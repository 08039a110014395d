//! Meta's three sign-ins: Facebook Login (pages through `/me/accounts`), Business Login for
//! Instagram and Threads. All three need the app secret at the token endpoint and turn the
//! short-lived token into a long-lived one (60 days); Instagram and Threads refresh the long-lived
//! token itself once it is 24 h old. Facebook page tokens obtained from a long-lived user token do
//! not expire.

use async_trait::async_trait;
use oauth2::AuthType;
use outpost_net::reqwest::Method;
use serde_json::Value;

use crate::Secret;
use crate::error::{Error, Result};
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::providers::{Ctx, Provider, Revocation, bearer_get, oauth_client, secret_of};
use crate::tokens::{Account, AccountKind, Grant, TokenSet, split_scopes};
use crate::transport::{self, Phase, now_s};

/// The Graph API version Outpost is written against.
pub const GRAPH_VERSION: &str = "v23.0";

const DAY: i64 = 24 * 3600;

fn long_lived(platform: Platform, v: &Value, previous: Option<&TokenSet>) -> Result<TokenSet> {
    let now = now_s();
    let mut t = TokenSet::new(transport::str_field(platform, v, "access_token")?, now);
    t.expires_at = transport::opt_i64(v, "expires_in").map(|s| crate::tokens::expiry(now, s));
    if let Some(p) = previous {
        t.scopes = p.scopes.clone();
        t.extra = p.extra.clone();
    }
    Ok(t)
}

// ---- Facebook ---------------------------------------------------------------------------------

#[derive(Debug)]
pub struct Facebook;

const FB_SCOPES: &[&str] = &[
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "publish_video",
    // The inbox (Page conversations on Messenger) and metrics (post insights).
    "pages_messaging",
    "read_insights",
];

fn fb(path: &str) -> String {
    format!("https://graph.facebook.com/{GRAPH_VERSION}{path}")
}

#[async_trait]
impl Provider for Facebook {
    fn platform(&self) -> Platform {
        Platform::Facebook
    }

    fn scopes(&self) -> &'static [&'static str] {
        FB_SCOPES
    }

    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        let auth = format!("https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth");
        let c = oauth_client(
            ctx,
            Platform::Facebook,
            &auth,
            &fb("/oauth/access_token"),
            Some(redirect_uri),
            AuthType::RequestBody,
        )?;
        Ok(crate::providers::standard_authorize(
            &c,
            Platform::Facebook,
            FB_SCOPES,
            ",",
            redirect_uri,
            &[],
        ))
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        let p = Platform::Facebook;
        let secret = secret_of(ctx, p)?;
        let mut url = ctx.endpoints.url(p, &fb("/oauth/access_token"))?;
        url.query_pairs_mut()
            .append_pair("client_id", &ctx.app.client_id)
            .append_pair("redirect_uri", &req.redirect_uri)
            .append_pair("client_secret", secret.expose())
            .append_pair("code", code.expose());
        let short = transport::send_json(
            ctx.http,
            p,
            Phase::Exchange,
            transport::request(ctx.http, Method::GET, url),
        )
        .await?;
        let short = transport::str_field(p, &short, "access_token")?;
        let mut url = ctx.endpoints.url(p, &fb("/oauth/access_token"))?;
        url.query_pairs_mut()
            .append_pair("grant_type", "fb_exchange_token")
            .append_pair("client_id", &ctx.app.client_id)
            .append_pair("client_secret", secret.expose())
            .append_pair("fb_exchange_token", &short);
        let v = transport::send_json(
            ctx.http,
            p,
            Phase::Exchange,
            transport::request(ctx.http, Method::GET, url),
        )
        .await?;
        let mut tokens = long_lived(p, &v, None)?;
        tokens.scopes = FB_SCOPES.iter().map(|s| (*s).to_string()).collect();
        Ok(Grant {
            granted_scopes: tokens.scopes.clone(),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let p = Platform::Facebook;
        let url = ctx.endpoints.url(p, &fb("/me?fields=id,name,picture"))?;
        let me = transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
            .await?;
        let user_id = transport::str_field(p, &me, "id")?;
        let url = ctx.endpoints.url(
            p,
            &fb("/me/accounts?fields=id,name,access_token,picture,tasks"),
        )?;
        let pages =
            transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
                .await?;
        let mut out = Vec::new();
        for page in pages
            .get("data")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            let tasks: Vec<&str> = page
                .get("tasks")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            // Posting needs the CREATE_CONTENT task on the page.
            if !tasks.contains(&"CREATE_CONTENT") {
                continue;
            }
            let name = transport::str_field(p, &page, "name")?;
            let mut tokens =
                TokenSet::new(transport::str_field(p, &page, "access_token")?, now_s());
            tokens.grant_token = Some(grant.tokens.access_token.clone());
            tokens.scopes = grant.granted_scopes.clone();
            tokens.extra = grant.tokens.extra.clone(); // the sign-in's grant id: pages share it
            tokens.extra.insert("user_id".into(), user_id.clone());
            out.push(Account {
                platform_account_id: transport::str_field(p, &page, "id")?,
                kind: AccountKind::Page,
                handle: name.clone(),
                display_name: name,
                avatar_url: page
                    .pointer("/picture/data/url")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                tokens,
            });
        }
        if out.is_empty() {
            return Err(Error::refused(
                p,
                "no Facebook Page you can post to was shared with Outpost (you need the Create content task on a Page)",
            ));
        }
        Ok(out)
    }

    async fn verify(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<()> {
        // A page token answers `/me` with the page itself.
        let url = ctx
            .endpoints
            .url(Platform::Facebook, &fb("/me?fields=id,name"))?;
        transport::send_json(
            ctx.http,
            Platform::Facebook,
            Phase::Api,
            bearer_get(ctx, url, &grant.tokens),
        )
        .await?;
        Ok(())
    }

    fn can_refresh(&self, _tokens: &TokenSet) -> bool {
        false
    }

    async fn refresh(&self, _ctx: Ctx<'_>, _tokens: &TokenSet) -> Result<TokenSet> {
        Err(Error::Unsupported {
            platform: Platform::Facebook,
            what: "token refresh",
        })
    }

    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation> {
        let p = Platform::Facebook;
        let user = tokens.grant_token.as_ref().unwrap_or(&tokens.access_token);
        let url = ctx.endpoints.url(p, &fb("/me/permissions"))?;
        let rb = transport::request(ctx.http, Method::DELETE, url).bearer_auth(user.expose());
        transport::send_json(ctx.http, p, Phase::Revoke, rb).await?;
        Ok(Revocation::Revoked)
    }
}

// ---- Instagram and Threads ----------------------------------------------------------------------

/// The differences between Business Login for Instagram and Threads.
struct Family {
    platform: Platform,
    auth: &'static str,
    token: &'static str,
    graph: &'static str,
    exchange_grant: &'static str,
    refresh_grant: &'static str,
    me: &'static str,
    avatar_field: &'static str,
    scopes: &'static [&'static str],
    revoke_hint: &'static str,
}

const IG: Family = Family {
    platform: Platform::Instagram,
    auth: "https://www.instagram.com/oauth/authorize",
    token: "https://api.instagram.com/oauth/access_token",
    graph: "https://graph.instagram.com",
    exchange_grant: "ig_exchange_token",
    refresh_grant: "ig_refresh_token",
    me: "/v23.0/me?fields=user_id,username,name,profile_picture_url",
    avatar_field: "profile_picture_url",
    scopes: &[
        "instagram_business_basic",
        "instagram_business_content_publish",
        "instagram_business_manage_comments",
        "instagram_business_manage_insights",
        "instagram_business_manage_messages",
    ],
    revoke_hint: "Instagram has no revocation API: remove Outpost in Instagram → Settings → Website permissions → Apps and websites",
};

const TH: Family = Family {
    platform: Platform::Threads,
    auth: "https://threads.com/oauth/authorize",
    token: "https://graph.threads.net/oauth/access_token",
    graph: "https://graph.threads.net",
    exchange_grant: "th_exchange_token",
    refresh_grant: "th_refresh_token",
    me: "/v1.0/me?fields=id,username,name,threads_profile_picture_url",
    avatar_field: "threads_profile_picture_url",
    scopes: &[
        "threads_basic",
        "threads_content_publish",
        "threads_manage_replies",
        "threads_read_replies",
        "threads_manage_insights",
        "threads_manage_mentions",
    ],
    revoke_hint: "Threads has no revocation API: remove Outpost in Threads → Settings → Account → Website permissions",
};

impl Family {
    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
        let c = oauth_client(
            ctx,
            self.platform,
            self.auth,
            self.token,
            Some(redirect_uri),
            AuthType::RequestBody,
        )?;
        Ok(crate::providers::standard_authorize(
            &c,
            self.platform,
            self.scopes,
            ",",
            redirect_uri,
            &[],
        ))
    }

    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant> {
        let p = self.platform;
        let secret = secret_of(ctx, p)?;
        let url = ctx.endpoints.url(p, self.token)?;
        let form = [
            ("client_id", ctx.app.client_id.as_str()),
            ("client_secret", secret.expose()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", req.redirect_uri.as_str()),
            ("code", code.expose()),
        ];
        let v = transport::send_json(
            ctx.http,
            p,
            Phase::Exchange,
            transport::request(ctx.http, Method::POST, url).form(&form),
        )
        .await?;
        // Business Login answers {"data":[{…}]}; the older shape is flat.
        let first = v
            .get("data")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or(v);
        let short = transport::str_field(p, &first, "access_token")?;
        let user_id = transport::str_field(p, &first, "user_id")?;
        let granted = transport::opt_str(&first, "permissions").map(|s| split_scopes(&s));
        let mut url = ctx
            .endpoints
            .url(p, &format!("{}/access_token", self.graph))?;
        url.query_pairs_mut()
            .append_pair("grant_type", self.exchange_grant)
            .append_pair("client_secret", secret.expose())
            .append_pair("access_token", &short);
        let v = transport::send_json(
            ctx.http,
            p,
            Phase::Exchange,
            transport::request(ctx.http, Method::GET, url),
        )
        .await?;
        let mut tokens = long_lived(p, &v, None)?;
        tokens.scopes =
            granted.unwrap_or_else(|| self.scopes.iter().map(|s| (*s).to_string()).collect());
        tokens.extra.insert("user_id".into(), user_id);
        Ok(Grant {
            granted_scopes: tokens.scopes.clone(),
            tokens,
        })
    }

    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
        let p = self.platform;
        let url = ctx
            .endpoints
            .url(p, &format!("{}{}", self.graph, self.me))?;
        let me = transport::send_json(ctx.http, p, Phase::Api, bearer_get(ctx, url, &grant.tokens))
            .await?;
        let username = transport::str_field(p, &me, "username")?;
        let id = transport::opt_str(&me, "user_id")
            .or_else(|| transport::opt_str(&me, "id"))
            .or_else(|| grant.tokens.extra("user_id").map(str::to_string))
            .ok_or_else(|| Error::InvalidResponse {
                platform: p,
                what: "`id` is missing".into(),
            })?;
        Ok(vec![Account {
            platform_account_id: id,
            kind: AccountKind::Profile,
            display_name: transport::opt_str(&me, "name").unwrap_or_else(|| username.clone()),
            handle: format!("@{username}"),
            avatar_url: transport::opt_str(&me, self.avatar_field),
            tokens: grant.tokens.clone(),
        }])
    }

    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
        let p = self.platform;
        let mut url = ctx
            .endpoints
            .url(p, &format!("{}/refresh_access_token", self.graph))?;
        url.query_pairs_mut()
            .append_pair("grant_type", self.refresh_grant)
            .append_pair("access_token", tokens.access_token.expose());
        let v = transport::send_json(
            ctx.http,
            p,
            Phase::Refresh,
            transport::request(ctx.http, Method::GET, url),
        )
        .await?;
        long_lived(p, &v, Some(tokens))
    }
}

/// Meta refreshes a long-lived token only once it is 24 h old and while it is still valid.
fn meta_can_refresh(tokens: &TokenSet) -> bool {
    let now = now_s();
    now - tokens.issued_at >= DAY && tokens.expires_at.is_none_or(|e| e > now)
}

macro_rules! family_provider {
    ($name:ident, $family:expr) => {
        #[derive(Debug)]
        pub struct $name;

        #[async_trait]
        impl Provider for $name {
            fn platform(&self) -> Platform {
                $family.platform
            }
            fn scopes(&self) -> &'static [&'static str] {
                $family.scopes
            }
            fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest> {
                $family.authorize(ctx, redirect_uri)
            }
            async fn exchange(
                &self,
                ctx: Ctx<'_>,
                req: &AuthRequest,
                code: &Secret,
            ) -> Result<Grant> {
                $family.exchange(ctx, req, code).await
            }
            async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>> {
                $family.accounts(ctx, grant).await
            }
            fn can_refresh(&self, tokens: &TokenSet) -> bool {
                meta_can_refresh(tokens)
            }
            async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet> {
                $family.refresh(ctx, tokens).await
            }
            async fn revoke(&self, _ctx: Ctx<'_>, _tokens: &TokenSet) -> Result<Revocation> {
                Ok(Revocation::NotOffered($family.revoke_hint))
            }
        }
    };
}

family_provider!(Instagram, IG);
family_provider!(Threads, TH);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod overflow_tests {
    /// Found by the fuzz target `platform_answers`: an absurd `expires_in` overflowed.
    #[test]
    fn absurd_lifetime_saturates() {
        let v = serde_json::json!({"access_token": "a", "expires_in": i64::MAX});
        let t = super::long_lived(super::Platform::Facebook, &v, None).unwrap();
        assert_eq!(
            t.expires_at,
            Some(t.issued_at + crate::tokens::MAX_LIFETIME_S)
        );
    }
}
