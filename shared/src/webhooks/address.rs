//! Where a webhook may point. A webhook makes the seller's stack send requests to an address an
//! admin typed, so the address must not reach inside: not the stack's own network, not the
//! cloud's metadata service, not a loopback or private service. The URL is checked when it is
//! saved, and every address its host resolves to is checked again at each delivery (DNS can
//! change), by the same [`Reach`].

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The longest webhook URL accepted.
pub const MAX_URL_LENGTH: usize = 2000;

/// Which addresses webhooks may reach. In AWS only public ones over `https`; the local stack
/// also lets tests receive deliveries on loopback over `http`
/// (`ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK`, never set by the template).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    #[default]
    PublicOnly,
    AlsoLoopback,
}

impl Reach {
    /// From the `ORDERDESK_WEBHOOKS_ALLOW_LOOPBACK` setting (`1` or `true`).
    pub fn from_setting(value: Option<&str>) -> Self {
        match value {
            Some("1" | "true") => Self::AlsoLoopback,
            _ => Self::PublicOnly,
        }
    }

    /// Whether a request over `scheme` may go to `ip`: `https` to a public address; on the
    /// local stack also `http` or `https` to loopback.
    pub fn allows(self, scheme: Scheme, ip: IpAddr) -> Result<(), Refusal> {
        let loopback = self == Self::AlsoLoopback && ip.is_loopback();
        match scheme {
            _ if loopback => Ok(()),
            Scheme::Https if is_public(ip) => Ok(()),
            Scheme::Https => Err(Refusal::NotPublic(ip)),
            Scheme::Http => Err(Refusal::NotHttps),
        }
    }
}

/// A webhook URL's scheme: the only two that are not refused at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

/// Why a URL or an address is refused, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("must be an absolute URL, e.g. https://erp.example.com/orderdesk")]
    NotAUrl,
    #[error("must be at most {MAX_URL_LENGTH} characters")]
    TooLong,
    #[error("must use https")]
    NotHttps,
    #[error(
        "must not contain a user name or password; put credentials in the path or verify the signature instead"
    )]
    Credentials,
    #[error("must not contain a fragment (#…)")]
    Fragment,
    #[error("resolves to {0}, which is not a public address")]
    NotPublic(IpAddr),
    #[error("has a host name that does not resolve")]
    Unresolved,
}

/// A webhook's URL, checked for its shape: absolute, `https` (or `http` where [`Reach`] allows
/// loopback), no credentials, no fragment, a host. Whether the host's addresses are public is
/// [`Reach::allows`]'s question, asked of each address it resolves to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub fn parse(raw: &str, reach: Reach) -> Result<Self, Refusal> {
        if raw.len() > MAX_URL_LENGTH {
            return Err(Refusal::TooLong);
        }
        let url = url::Url::parse(raw.trim()).map_err(|_| Refusal::NotAUrl)?;
        let scheme = match url.scheme() {
            "https" => Scheme::Https,
            "http" if reach == Reach::AlsoLoopback => Scheme::Http,
            _ => return Err(Refusal::NotHttps),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Credentials);
        }
        if url.fragment().is_some() {
            return Err(Refusal::Fragment);
        }
        let parsed = Self(url.to_string());
        match parsed.host().ok_or(Refusal::NotAUrl)? {
            Host::Ip(ip) => reach.allows(scheme, ip)?,
            Host::Name(_) => {}
        }
        Ok(parsed)
    }

    /// A URL read back from the table, where only a checked one is written.
    pub fn stored(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn url(&self) -> url::Url {
        url::Url::parse(&self.0).expect("a webhook URL was parsed before it was made")
    }

    pub fn scheme(&self) -> Scheme {
        match self.url().scheme() {
            "http" => Scheme::Http,
            _ => Scheme::Https,
        }
    }

    /// The host: an address literal, or a name to resolve.
    pub fn host(&self) -> Option<Host> {
        match self.url().host()? {
            url::Host::Ipv4(ip) => Some(Host::Ip(IpAddr::V4(ip))),
            url::Host::Ipv6(ip) => Some(Host::Ip(IpAddr::V6(ip))),
            url::Host::Domain(name) => Some(Host::Name(name.to_owned())),
        }
    }

    /// The port a request goes to (the scheme's own when the URL names none).
    pub fn port(&self) -> u16 {
        self.url().port_or_known_default().unwrap_or(443)
    }
}

/// A URL's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Ip(IpAddr),
    Name(String),
}

/// Whether `ip` is a unicast address on the public internet: not loopback, private (RFC 1918,
/// unique-local), shared (CGNAT), link-local (where the cloud's metadata service lives),
/// multicast, documentation, benchmarking, reserved or unspecified, and not an IPv6 form that
/// carries such an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network"
        || a == 10 // private
        || a == 127 // loopback
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254) // link-local, the metadata service at 169.254.169.254
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168) // private
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224; // multicast, reserved, broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    if s[..6] == [0; 6] {
        // Unspecified, loopback, and the deprecated IPv4-compatible form.
        return ip != Ipv6Addr::UNSPECIFIED
            && ip != Ipv6Addr::LOCALHOST
            && is_public_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x64 && s[1] == 0xff9b {
        // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48) reaches the embedded address.
        return s[2..6] == [0; 4] && is_public_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        // 6to4 carries its IPv4 address in the prefix.
        return is_public_v4(embedded(s[1], s[2]));
    }
    // IETF protocol assignments 2001::/23 (Teredo 2001::/32 among them) and documentation.
    let refused = s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8)
        || s[0] == 0x0100 && s[1..4] == [0; 3] // discard-only
        || s[0] & 0xfe00 == 0xfc00 // unique local, the metadata service at fd00:ec2::254
        || s[0] & 0xffc0 == 0xfe80 // link-local
        || s[0] & 0xffc0 == 0xfec0 // site-local (deprecated)
        || s[0] & 0xff00 == 0xff00 // multicast
        || s[0] & 0xe000 != 0x2000; // outside the global unicast block 2000::/3
    !refused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn every_internal_range_is_refused_for_ipv4_and_ipv6_and_public_addresses_pass() {
        let refused = [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "192.0.2.10",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
            "2002:0a00:0001::1",
            "fd00:ec2::254",
            "fc00::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "2001::1",
            "100::1",
        ];
        for r in refused {
            assert!(!is_public(ip(r)), "{r} was taken for public");
        }
        let public = [
            "93.184.216.34",
            "8.8.8.8",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "::ffff:93.184.216.34",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ];
        for p in public {
            assert!(is_public(ip(p)), "{p} was refused");
        }
    }

    #[test]
    fn a_url_must_be_https_without_credentials_or_fragment_and_an_address_literal_public() {
        let reach = Reach::PublicOnly;
        assert!(WebhookUrl::parse("https://erp.example.com/hooks?x=1", reach).is_ok());
        assert_eq!(
            WebhookUrl::parse("http://erp.example.com/", reach),
            Err(Refusal::NotHttps)
        );
        assert_eq!(
            WebhookUrl::parse("ftp://erp.example.com/", reach),
            Err(Refusal::NotHttps)
        );
        assert_eq!(
            WebhookUrl::parse("https://user:pw@erp.example.com/", reach),
            Err(Refusal::Credentials)
        );
        assert_eq!(
            WebhookUrl::parse("https://erp.example.com/#x", reach),
            Err(Refusal::Fragment)
        );
        assert_eq!(
            WebhookUrl::parse("erp.example.com", reach),
            Err(Refusal::NotAUrl)
        );
        assert_eq!(
            WebhookUrl::parse("https://169.254.169.254/latest/meta-data", reach),
            Err(Refusal::NotPublic(ip("169.254.169.254")))
        );
        assert_eq!(
            WebhookUrl::parse("https://[::ffff:a9fe:a9fe]/", reach),
            Err(Refusal::NotPublic(ip("::ffff:169.254.169.254")))
        );
        assert_eq!(
            WebhookUrl::parse("https://2130706433/", reach),
            Err(Refusal::NotPublic(ip("127.0.0.1"))),
            "a decimal IPv4 literal is an address too"
        );
        let long = format!("https://erp.example.com/{}", "a".repeat(MAX_URL_LENGTH));
        assert_eq!(WebhookUrl::parse(&long, reach), Err(Refusal::TooLong));
    }

    #[test]
    fn only_the_local_stack_may_send_http_and_only_to_loopback() {
        let local = Reach::AlsoLoopback;
        let url = WebhookUrl::parse("http://127.0.0.1:9000/hook", local).unwrap();
        assert_eq!(url.scheme(), Scheme::Http);
        assert_eq!(url.port(), 9000);
        assert_eq!(
            WebhookUrl::parse("http://10.0.0.1/", local),
            Err(Refusal::NotHttps)
        );
        assert_eq!(
            local.allows(Scheme::Http, ip("10.0.0.1")),
            Err(Refusal::NotHttps)
        );
        assert_eq!(local.allows(Scheme::Http, ip("::1")), Ok(()));
        assert_eq!(
            Reach::PublicOnly.allows(Scheme::Https, ip("127.0.0.1")),
            Err(Refusal::NotPublic(ip("127.0.0.1")))
        );
        assert_eq!(Reach::from_setting(Some("1")), Reach::AlsoLoopback);
        assert_eq!(Reach::from_setting(None), Reach::PublicOnly);
    }
}
