//! Where each platform's hosts are. `OUTPOST_ENDPOINT_<PLATFORM>` (an origin such as
//! `http://127.0.0.1:8123`) maps every host of that platform onto one origin, keeping the paths: the
//! test seam for the emulators in `tests/emulators/`.

use std::collections::BTreeMap;

use url::Url;

use crate::error::{Error, Result};
use crate::platform::Platform;

/// Origin overrides per platform. Empty in normal use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    overrides: BTreeMap<Platform, Url>,
}

impl Endpoints {
    /// Reads `OUTPOST_ENDPOINT_<PLATFORM>` for every platform. A malformed value is an error (a
    /// mistyped override must not silently send a user's tokens to the real platform).
    pub fn from_env() -> Result<Endpoints> {
        let mut e = Endpoints::default();
        for p in Platform::ALL {
            let var = format!("OUTPOST_ENDPOINT_{}", p.id().to_ascii_uppercase());
            if let Ok(v) = std::env::var(&var) {
                if v.trim().is_empty() {
                    continue;
                }
                e.set(p, &v).map_err(|_| {
                    Error::Config(format!(
                        "{var} must be an origin such as http://127.0.0.1:8123"
                    ))
                })?;
            }
        }
        Ok(e)
    }

    /// Maps `platform`'s hosts to `origin` (`scheme://host[:port]`, nothing else).
    pub fn set(&mut self, platform: Platform, origin: &str) -> Result<()> {
        let url = Url::parse(origin.trim()).map_err(|_| Error::Config("not a URL".into()))?;
        let ok = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some()
            && (url.path() == "/" || url.path().is_empty())
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty();
        if !ok {
            return Err(Error::Config("an override must be a bare origin".into()));
        }
        self.overrides.insert(platform, url);
        Ok(())
    }

    pub fn with(mut self, platform: Platform, origin: &str) -> Result<Self> {
        self.set(platform, origin)?;
        Ok(self)
    }

    pub fn is_overridden(&self, platform: Platform) -> bool {
        self.overrides.contains_key(&platform)
    }

    /// The URL to use for `platform`'s documented `url`.
    pub fn url(&self, platform: Platform, url: &str) -> Result<Url> {
        let mut u =
            Url::parse(url).map_err(|_| Error::Config(format!("bad built-in URL {url}")))?;
        if let Some(o) = self.overrides.get(&platform) {
            let _ = u.set_scheme(o.scheme());
            u.set_host(o.host_str())
                .map_err(|_| Error::Config("bad override host".into()))?;
            let _ = u.set_port(o.port());
        }
        Ok(u)
    }
}

/// Normalises a server address a user typed (`mastodon.social`, `https://pds.example/`) into an
/// origin. Plain http is accepted only for loopback hosts (tests, a server on this machine).
pub fn server_origin(platform: Platform, input: &str) -> Result<Url> {
    let t = input.trim();
    if t.is_empty() {
        return Err(Error::Config(format!(
            "Enter the address of your {platform} server"
        )));
    }
    let with_scheme = if t.contains("://") {
        t.to_string()
    } else {
        format!("https://{t}")
    };
    let bad = || {
        Error::Config(format!(
            "“{}” is not a server address",
            crate::error::clean(t, 80)
        ))
    };
    let u = Url::parse(&with_scheme).map_err(|_| bad())?;
    let host = u.host_str().ok_or_else(bad)?;
    if !u.username().is_empty()
        || u.query().is_some()
        || u.fragment().is_some()
        || !(u.path() == "/" || u.path().is_empty())
    {
        return Err(bad());
    }
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    match u.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(Error::Config(format!("{platform} servers must use https"))),
        _ => return Err(bad()),
    }
    Url::parse(&u.origin().ascii_serialization()).map_err(|_| bad())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_host_keeping_paths() {
        let e = Endpoints::default()
            .with(Platform::X, "http://127.0.0.1:8123")
            .unwrap();
        assert_eq!(
            e.url(Platform::X, "https://api.x.com/2/oauth2/token")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8123/2/oauth2/token"
        );
        assert_eq!(
            e.url(Platform::X, "https://x.com/i/oauth2/authorize?a=b")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8123/i/oauth2/authorize?a=b"
        );
        assert_eq!(
            e.url(Platform::Linkedin, "https://api.linkedin.com/v2/userinfo")
                .unwrap()
                .as_str(),
            "https://api.linkedin.com/v2/userinfo"
        );
    }

    #[test]
    fn refuses_anything_but_an_origin() {
        let mut e = Endpoints::default();
        for bad in [
            "127.0.0.1:80",
            "ftp://h",
            "http://h/path",
            "http://h/?q",
            "http://u@h",
        ] {
            assert!(e.set(Platform::X, bad).is_err(), "{bad}");
        }
    }
}
