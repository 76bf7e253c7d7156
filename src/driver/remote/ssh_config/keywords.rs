//! The keywords of OpenSSH 10's client configuration (readconf.c's table, with Debian's GSSAPI
//! key exchange ones, as the installed `ssh` knows them): those virtsh reads, and for the
//! others the shape of what they take, so that a line OpenSSH refuses is refused here too.

/// What a keyword is to virtsh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keyword {
    HostName,
    User,
    Port,
    IdentityFile,
    IdentitiesOnly,
    IdentityAgent,
    ProxyCommand,
    ProxyJump,
    UserKnownHostsFile,
    GlobalKnownHostsFile,
    StrictHostKeyChecking,
    HostKeyAlias,
    ConnectTimeout,
    ServerAliveInterval,
    ServerAliveCountMax,
    ConnectionAttempts,
    Host,
    Match,
    Include,
    IgnoreUnknown,
    Tag,
    /// Known to OpenSSH, of no use to virtsh: only checked.
    Other(Shape),
}

/// What a keyword virtsh does not use takes, as far as OpenSSH checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// One of these words, in any case.
    Choice(&'static [&'static str]),
    /// A non-negative integer.
    Int,
    /// A time (`90`, `1h30m`, or `none`).
    Time,
    /// One non-empty argument.
    Text,
    /// The raw rest of the line.
    Command,
    /// Any arguments (their own checks are not repeated here).
    Any,
    /// Passed over silently (`Protocol`).
    Ignored,
    /// Passed over; OpenSSH logs it only with `-v`.
    Deprecated,
    /// Passed over with OpenSSH's complaint.
    Unsupported,
}

pub(super) const FLAG: &[&str] = &["true", "false", "yes", "no"];
pub(super) const STRICT_HOST_KEY: &[&str] =
    &["true", "false", "yes", "no", "ask", "off", "accept-new"];
const YES_NO_ASK: &[&str] = &["true", "false", "yes", "no", "ask"];

use Keyword::Other;
use Shape::*;

const KEYWORDS: &[(&str, Keyword)] = &[
    ("protocol", Other(Ignored)),
    ("cipher", Other(Deprecated)),
    ("fallbacktorsh", Other(Deprecated)),
    ("globalknownhostsfile2", Other(Deprecated)),
    ("rhostsauthentication", Other(Deprecated)),
    ("userknownhostsfile2", Other(Deprecated)),
    ("useroaming", Other(Deprecated)),
    ("usersh", Other(Deprecated)),
    ("useprivilegedport", Other(Deprecated)),
    ("afstokenpassing", Other(Unsupported)),
    ("kerberosauthentication", Other(Unsupported)),
    ("kerberostgtpassing", Other(Unsupported)),
    ("rsaauthentication", Other(Unsupported)),
    ("rhostsrsaauthentication", Other(Unsupported)),
    ("compressionlevel", Other(Unsupported)),
    ("gssapiauthentication", Other(Choice(FLAG))),
    ("gssapikeyexchange", Other(Choice(FLAG))),
    ("gssapidelegatecredentials", Other(Choice(FLAG))),
    ("gssapitrustdns", Other(Choice(FLAG))),
    ("gssapiclientidentity", Other(Text)),
    ("gssapiserveridentity", Other(Text)),
    ("gssapirenewalforcesrekey", Other(Choice(FLAG))),
    ("gssapikexalgorithms", Other(Text)),
    ("pkcs11provider", Other(Text)),
    ("smartcarddevice", Other(Text)),
    ("forwardagent", Other(Text)),
    ("forwardx11", Other(Choice(FLAG))),
    ("forwardx11trusted", Other(Choice(FLAG))),
    ("forwardx11timeout", Other(Time)),
    ("exitonforwardfailure", Other(Choice(FLAG))),
    ("xauthlocation", Other(Text)),
    ("gatewayports", Other(Choice(FLAG))),
    ("passwordauthentication", Other(Choice(FLAG))),
    ("kbdinteractiveauthentication", Other(Choice(FLAG))),
    ("kbdinteractivedevices", Other(Text)),
    ("challengeresponseauthentication", Other(Choice(FLAG))),
    ("skeyauthentication", Other(Choice(FLAG))),
    ("tisauthentication", Other(Choice(FLAG))),
    (
        "pubkeyauthentication",
        Other(Choice(&[
            "true",
            "false",
            "yes",
            "no",
            "unbound",
            "host-bound",
        ])),
    ),
    (
        "dsaauthentication",
        Other(Choice(&[
            "true",
            "false",
            "yes",
            "no",
            "unbound",
            "host-bound",
        ])),
    ),
    ("hostbasedauthentication", Other(Choice(FLAG))),
    ("identityfile", Keyword::IdentityFile),
    ("identityfile2", Keyword::IdentityFile),
    ("identitiesonly", Keyword::IdentitiesOnly),
    ("certificatefile", Other(Text)),
    ("addkeystoagent", Other(Any)),
    ("identityagent", Keyword::IdentityAgent),
    ("hostname", Keyword::HostName),
    ("hostkeyalias", Keyword::HostKeyAlias),
    ("proxycommand", Keyword::ProxyCommand),
    ("port", Keyword::Port),
    ("ciphers", Other(Text)),
    ("macs", Other(Text)),
    ("remoteforward", Other(Any)),
    ("localforward", Other(Any)),
    ("permitremoteopen", Other(Any)),
    ("user", Keyword::User),
    ("host", Keyword::Host),
    ("match", Keyword::Match),
    ("tag", Keyword::Tag),
    ("escapechar", Other(Text)),
    ("globalknownhostsfile", Keyword::GlobalKnownHostsFile),
    ("userknownhostsfile", Keyword::UserKnownHostsFile),
    ("connectionattempts", Keyword::ConnectionAttempts),
    ("batchmode", Other(Choice(FLAG))),
    ("checkhostip", Other(Choice(FLAG))),
    ("stricthostkeychecking", Keyword::StrictHostKeyChecking),
    ("compression", Other(Choice(&["yes", "no"]))),
    ("tcpkeepalive", Other(Choice(FLAG))),
    ("keepalive", Other(Choice(FLAG))),
    ("numberofpasswordprompts", Other(Int)),
    ("syslogfacility", Other(Text)),
    ("loglevel", Other(Text)),
    ("logverbose", Other(Any)),
    ("dynamicforward", Other(Any)),
    ("preferredauthentications", Other(Text)),
    ("hostkeyalgorithms", Other(Text)),
    ("casignaturealgorithms", Other(Text)),
    ("bindaddress", Other(Text)),
    ("bindinterface", Other(Text)),
    ("clearallforwardings", Other(Choice(FLAG))),
    ("enablesshkeysign", Other(Choice(FLAG))),
    ("verifyhostkeydns", Other(Choice(YES_NO_ASK))),
    ("nohostauthenticationforlocalhost", Other(Choice(FLAG))),
    ("rekeylimit", Other(Any)),
    ("connecttimeout", Keyword::ConnectTimeout),
    ("addressfamily", Other(Choice(&["inet", "inet6", "any"]))),
    ("serveraliveinterval", Keyword::ServerAliveInterval),
    ("serveralivecountmax", Keyword::ServerAliveCountMax),
    ("sendenv", Other(Any)),
    ("setenv", Other(Any)),
    ("controlpath", Other(Text)),
    (
        "controlmaster",
        Other(Choice(&[
            "true", "yes", "false", "no", "auto", "ask", "autoask",
        ])),
    ),
    ("controlpersist", Other(Text)),
    ("hashknownhosts", Other(Choice(FLAG))),
    ("include", Keyword::Include),
    (
        "tunnel",
        Other(Choice(&[
            "ethernet",
            "point-to-point",
            "true",
            "yes",
            "false",
            "no",
        ])),
    ),
    ("tunneldevice", Other(Text)),
    ("localcommand", Other(Command)),
    ("permitlocalcommand", Other(Choice(FLAG))),
    ("remotecommand", Other(Command)),
    ("visualhostkey", Other(Choice(FLAG))),
    ("kexalgorithms", Other(Text)),
    ("ipqos", Other(Any)),
    (
        "requesttty",
        Other(Choice(&["true", "yes", "false", "no", "force", "auto"])),
    ),
    (
        "sessiontype",
        Other(Choice(&["none", "subsystem", "default"])),
    ),
    ("stdinnull", Other(Choice(FLAG))),
    ("forkafterauthentication", Other(Choice(FLAG))),
    ("proxyusefdpass", Other(Choice(FLAG))),
    ("canonicaldomains", Other(Any)),
    ("canonicalizefallbacklocal", Other(Choice(FLAG))),
    (
        "canonicalizehostname",
        Other(Choice(&["true", "false", "yes", "no", "always"])),
    ),
    ("canonicalizemaxdots", Other(Int)),
    ("canonicalizepermittedcnames", Other(Any)),
    ("streamlocalbindmask", Other(Text)),
    ("streamlocalbindunlink", Other(Choice(FLAG))),
    ("revokedhostkeys", Other(Text)),
    ("fingerprinthash", Other(Text)),
    ("updatehostkeys", Other(Choice(YES_NO_ASK))),
    ("hostbasedacceptedalgorithms", Other(Text)),
    ("hostbasedkeytypes", Other(Text)),
    ("pubkeyacceptedalgorithms", Other(Text)),
    ("pubkeyacceptedkeytypes", Other(Text)),
    ("ignoreunknown", Keyword::IgnoreUnknown),
    ("proxyjump", Keyword::ProxyJump),
    ("securitykeyprovider", Other(Text)),
    ("knownhostscommand", Other(Command)),
    ("requiredrsasize", Other(Int)),
    ("enableescapecommandline", Other(Choice(FLAG))),
    ("obscurekeystroketiming", Other(Any)),
    ("channeltimeout", Other(Any)),
    ("versionaddendum", Other(Command)),
];

/// The keyword a (lowercased) word names, if OpenSSH knows it.
pub(super) fn lookup(word: &[u8]) -> Option<Keyword> {
    KEYWORDS
        .iter()
        .find(|(name, _)| name.as_bytes() == word)
        .map(|(_, k)| *k)
}

/// Whether `word` is one of `choices`, in any case (`strcasecmp`).
pub(super) fn one_of(word: &[u8], choices: &[&str]) -> bool {
    choices
        .iter()
        .any(|c| c.as_bytes().eq_ignore_ascii_case(word))
}
