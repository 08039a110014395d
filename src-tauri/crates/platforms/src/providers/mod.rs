//! Sign-in and the token lifecycle behind one trait ([`Provider`]), and the OAuth helpers the
//! platforms' `auth` modules share. Each platform's own sign-in lives in its folder
//! (`x/auth.rs`, …); [`crate::provider`] picks it.

use async_trait::async_trait;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AccessToken, AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    RedirectUrl, RefreshToken, StandardRevocableToken, TokenUrl,
};
use outpost_net::HttpClient;
use serde::{Deserialize, Serialize};

use crate::Secret;
use crate::endpoints::Endpoints;
use crate::error::{Error, Result};
use crate::flow::AuthRequest;
use crate::platform::Platform;
use crate::tokens::{Account, Grant, TokenSet, split_scopes};
use crate::transport::{self, Phase};

/// The user's developer app for a platform (Mastodon: the registration on one server).
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// Mastodon/Bluesky: the server's origin.
    pub instance_url: Option<url::Url>,
    /// LinkedIn: the user said their app has the Community Management API product, so sign-in
    /// asks for the organization scopes too (company pages). Without it, member posting only.
    pub organization_access: bool,
}

/// What every provider call needs.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub http: &'a HttpClient,
    pub endpoints: &'a Endpoints,
    pub app: &'a AppCredentials,
    /// The user's media host, where a platform fetches media from a public URL (None: not set up).
    pub media_host: Option<&'a dyn crate::post::MediaHost>,
    /// Publishing: where each part of a post is recorded as it goes out, and which parts an
    /// earlier attempt already published (None: a first attempt, nothing recorded).
    pub parts: Option<&'a dyn crate::post::PartLog>,
    /// Where daily API quota units are counted (YouTube); `None`: not counted here.
    pub quota: Option<&'a dyn crate::quota::QuotaLedger>,
}

/// The outcome of an upstream revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The platform confirmed.
    Revoked,
    /// The platform has no revocation API; the text says where the user can remove access.
    NotOffered(&'static str),
    /// The platform answered the revocation but said it did not revoke (the text says so).
    NotRevoked(String),
}

/// A platform's sign-in and token lifecycle.
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    fn platform(&self) -> Platform;

    /// Scopes asked for, in the platform's notation (at most: see [`Provider::scopes_for`]).
    fn scopes(&self) -> &'static [&'static str];

    /// The scopes asked for with the user's app: only those of the products it has (LinkedIn's
    /// organization scopes need Community Management; a self-serve app is refused them).
    fn scopes_for(&self, _app: &AppCredentials) -> &'static [&'static str] {
        self.scopes()
    }

    /// Builds the authorization request for `redirect_uri` with a fresh state and PKCE pair.
    fn authorize(&self, ctx: Ctx<'_>, redirect_uri: &str) -> Result<AuthRequest>;

    /// Exchanges the code (and, where the platform works that way, turns a short-lived token into a
    /// long-lived one).
    async fn exchange(&self, ctx: Ctx<'_>, req: &AuthRequest, code: &Secret) -> Result<Grant>;

    /// Who signed in, and every account/page/organization they can post to, with its tokens.
    async fn accounts(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<Vec<Account>>;

    /// Whether the grant still works (one cheap identity call).
    async fn verify(&self, ctx: Ctx<'_>, grant: &Grant) -> Result<()> {
        self.accounts(ctx, grant).await.map(|_| ())
    }

    /// A fresh token set for `tokens`. Callers serialise refreshes per channel (refresh tokens
    /// rotate: two refreshes in flight would invalidate each other).
    async fn refresh(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<TokenSet>;

    /// Whether [`Provider::refresh`] can work for this token set.
    fn can_refresh(&self, tokens: &TokenSet) -> bool {
        tokens.refresh_token.is_some()
    }

    /// Ends the grant upstream where the platform allows it.
    async fn revoke(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Revocation>;
}

// ---- the oauth2 crate for standard (RFC 6749) token endpoints --------------------------------

/// A token response that tolerates what real platforms send: LinkedIn omits `token_type`,
/// scopes may be comma separated, extra fields are kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LenientTokenResponse {
    access_token: AccessToken,
    #[serde(default = "bearer", deserialize_with = "lenient_token_type")]
    token_type: BasicTokenType,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default)]
    refresh_token_expires_in: Option<u64>,
    #[serde(default)]
    refresh_expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(flatten)]
    extra: serde_json::Map<String, serde_json::Value>,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

fn lenient_token_type<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BasicTokenType, D::Error> {
    let s = String::deserialize(d)?;
    Ok(match s.to_ascii_lowercase().as_str() {
        "bearer" => BasicTokenType::Bearer,
        "mac" => BasicTokenType::Mac,
        other => BasicTokenType::Extension(other.to_string()),
    })
}

impl oauth2::TokenResponse for LenientTokenResponse {
    type TokenType = BasicTokenType;
    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<std::time::Duration> {
        self.expires_in.map(std::time::Duration::from_secs)
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<oauth2::Scope>> {
        None
    }
}

impl LenientTokenResponse {
    /// Our token set; `previous` supplies what a refresh response leaves out (a refresh token that
    /// does not rotate, the scopes, the extras).
    pub(crate) fn into_tokens(self, now: i64, previous: Option<&TokenSet>) -> TokenSet {
        let mut t = TokenSet::new(self.access_token.secret().clone(), now);
        t.expires_at = self
            .expires_in
            .map(|s| crate::tokens::expiry(now, i64::try_from(s).unwrap_or(i64::MAX)));
        t.refresh_token = self
            .refresh_token
            .map(|r| Secret::new(r.secret().clone()))
            .or_else(|| previous.and_then(|p| p.refresh_token.clone()));
        let rexp = self.refresh_token_expires_in.or(self.refresh_expires_in);
        t.refresh_expires_at = match rexp {
            Some(s) => Some(crate::tokens::expiry(
                now,
                i64::try_from(s).unwrap_or(i64::MAX),
            )),
            None => previous.and_then(|p| p.refresh_expires_at),
        };
        t.scopes = match self.scope {
            Some(s) => split_scopes(&s),
            None => previous.map(|p| p.scopes.clone()).unwrap_or_default(),
        };
        if let Some(p) = previous {
            t.extra = p.extra.clone();
        }
        for (k, v) in self.extra {
            if let Some(s) = v.as_str()
                && !k.contains("token")
            {
                t.extra.insert(k, s.to_string());
            }
        }
        t
    }
}

pub(crate) type OauthClient = oauth2::Client<
    BasicErrorResponse,
    LenientTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An `oauth2` client for one standard provider.
pub(crate) fn oauth_client(
    ctx: Ctx<'_>,
    platform: Platform,
    auth_url: &str,
    token_url: &str,
    redirect_uri: Option<&str>,
    auth_type: AuthType,
) -> Result<OauthClient> {
    let auth = ctx.endpoints.url(platform, auth_url)?;
    let token = ctx.endpoints.url(platform, token_url)?;
    let mut c = oauth2::Client::new(ClientId::new(ctx.app.client_id.clone()))
        .set_auth_uri(AuthUrl::from_url(auth))
        .set_token_uri(TokenUrl::from_url(token))
        .set_auth_type(auth_type);
    if let Some(s) = &ctx.app.client_secret {
        c = c.set_client_secret(ClientSecret::new(s.expose().to_string()));
    }
    if let Some(r) = redirect_uri {
        c = c.set_redirect_uri(
            RedirectUrl::new(r.to_string())
                .map_err(|_| Error::Config("the redirect URI is not a URL".into()))?,
        );
    }
    Ok(c)
}

/// Standard authorization request: state + S256 PKCE + scopes joined with `sep`.
pub(crate) fn standard_authorize(
    client: &OauthClient,
    platform: Platform,
    scopes: &[&str],
    sep: &str,
    redirect_uri: &str,
    extra: &[(&str, &str)],
) -> AuthRequest {
    let state = crate::flow::new_state();
    let (challenge, verifier) = crate::flow::new_pkce();
    let state_value = state.expose().to_string();
    let mut b = client
        .authorize_url(move || oauth2::CsrfToken::new(state_value))
        .set_pkce_challenge(challenge);
    if sep == " " {
        b = b.add_scopes(scopes.iter().map(|s| oauth2::Scope::new((*s).to_string())));
    } else {
        b = b.add_extra_param("scope", scopes.join(sep));
    }
    for (k, v) in extra {
        b = b.add_extra_param(*k, *v);
    }
    let (url, _) = b.url();
    AuthRequest {
        platform,
        url,
        state,
        verifier,
        redirect_uri: redirect_uri.to_string(),
    }
}

/// Standard code exchange with PKCE through the `oauth2` crate.
pub(crate) async fn standard_exchange(
    ctx: Ctx<'_>,
    client: &OauthClient,
    platform: Platform,
    req: &AuthRequest,
    code: &Secret,
    extra: &[(&str, &str)],
) -> Result<TokenSet> {
    let send = transport::Oauth2Http {
        http: ctx.http.clone(),
        platform,
    };
    let mut e = client
        .exchange_code(oauth2::AuthorizationCode::new(code.expose().to_string()))
        .set_pkce_verifier(oauth2::PkceCodeVerifier::new(
            req.verifier.expose().to_string(),
        ));
    for (k, v) in extra {
        e = e.add_extra_param((*k).to_string(), (*v).to_string());
    }
    let resp = e
        .request_async(&send)
        .await
        .map_err(|e| transport::from_oauth2(platform, Phase::Exchange, e))?;
    Ok(resp.into_tokens(transport::now_s(), None))
}

/// Standard refresh through the `oauth2` crate.
pub(crate) async fn standard_refresh(
    ctx: Ctx<'_>,
    client: &OauthClient,
    platform: Platform,
    tokens: &TokenSet,
    extra: &[(&str, &str)],
) -> Result<TokenSet> {
    let Some(rt) = &tokens.refresh_token else {
        return Err(Error::NeedsReauth {
            platform,
            reason: "no refresh token was issued".into(),
        });
    };
    let send = transport::Oauth2Http {
        http: ctx.http.clone(),
        platform,
    };
    let rt = RefreshToken::new(rt.expose().to_string());
    let mut e = client.exchange_refresh_token(&rt);
    for (k, v) in extra {
        e = e.add_extra_param((*k).to_string(), (*v).to_string());
    }
    let resp = e
        .request_async(&send)
        .await
        .map_err(|e| transport::from_oauth2(platform, Phase::Refresh, e))?;
    Ok(resp.into_tokens(transport::now_s(), Some(tokens)))
}

/// The granted scopes of a token set, or what was asked for when the platform does not say.
pub(crate) fn granted(tokens: &TokenSet, asked: &[&str]) -> Vec<String> {
    if tokens.scopes.is_empty() {
        asked.iter().map(|s| (*s).to_string()).collect()
    } else {
        tokens.scopes.clone()
    }
}

pub(crate) fn bearer_get(
    ctx: Ctx<'_>,
    url: url::Url,
    tokens: &TokenSet,
) -> outpost_net::reqwest::RequestBuilder {
    transport::request(ctx.http, outpost_net::reqwest::Method::GET, url)
        .bearer_auth(tokens.access_token.expose())
}

pub(crate) fn secret_of(ctx: Ctx<'_>, platform: Platform) -> Result<&Secret> {
    ctx.app.client_secret.as_ref().ok_or_else(|| {
        Error::Config(format!(
            "{platform} needs the client secret of your developer app"
        ))
    })
}
