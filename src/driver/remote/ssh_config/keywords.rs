//! The keywords of OpenSSH 10's client configuration (readconf.c's table, with Debian's GSSAPI
//! key exchange ones, as the installed `ssh` knows them): those virtsh reads, those virtsh
//! honours only in part (refused otherwise: they would change where or how it connects), and
//! for the others the shape of what they take, so that a line OpenSSH refuses is refused here
//! too.

/// What a line's keyword is: one that shapes the reading itself, or a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Word {
    Host,
    Match,
    Include,
    Setting(Keyword),
}

/// A setting, by what it is to virtsh.
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
    HashKnownHosts,
    AddressFamily,
    ConnectTimeout,
    ServerAliveInterval,
    ServerAliveCountMax,
    ConnectionAttempts,
    IgnoreUnknown,
    Tag,
    /// Would change where or how ssh connects, and virtsh honours only the values listed
    /// (in any case; none listed: no value at all): its name as documented, its shape, the
    /// values honoured.
    Limited(&'static str, Shape, &'static [&'static str]),
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
    /// Non-empty arguments, `none` only alone.
    List,
    /// Anything, passed over: arguments whose own checks are not repeated here, the raw rest
    /// of a line, keywords OpenSSH ignores or calls deprecated.
    Any,
    /// Passed over with OpenSSH's complaint.
    Unsupported,
}

pub(super) const FLAG: &[&str] = &["true", "false", "yes", "no"];
pub(super) const STRICT_HOST_KEY: &[&str] =
    &["true", "false", "yes", "no", "ask", "off", "accept-new"];
pub(super) const ADDRESS_FAMILY: &[&str] = &["inet", "inet6", "any"];
const YES_NO_ASK: &[&str] = &["true", "false", "yes", "no", "ask"];

use Keyword::{Limited, Other};
use Shape::*;
use Word::Setting;

const KEYWORDS: &[(&str, Word)] = &[
    ("protocol", Setting(Other(Any))),
    ("cipher", Setting(Other(Any))),
    ("fallbacktorsh", Setting(Other(Any))),
    ("globalknownhostsfile2", Setting(Other(Any))),
    ("rhostsauthentication", Setting(Other(Any))),
    ("userknownhostsfile2", Setting(Other(Any))),
    ("useroaming", Setting(Other(Any))),
    ("usersh", Setting(Other(Any))),
    ("useprivilegedport", Setting(Other(Any))),
    ("afstokenpassing", Setting(Other(Unsupported))),
    ("kerberosauthentication", Setting(Other(Unsupported))),
    ("kerberostgtpassing", Setting(Other(Unsupported))),
    ("rsaauthentication", Setting(Other(Unsupported))),
    ("rhostsrsaauthentication", Setting(Other(Unsupported))),
    ("compressionlevel", Setting(Other(Unsupported))),
    ("gssapiauthentication", Setting(Other(Choice(FLAG)))),
    ("gssapikeyexchange", Setting(Other(Choice(FLAG)))),
    ("gssapidelegatecredentials", Setting(Other(Choice(FLAG)))),
    ("gssapitrustdns", Setting(Other(Choice(FLAG)))),
    ("gssapiclientidentity", Setting(Other(Text))),
    ("gssapiserveridentity", Setting(Other(Text))),
    ("gssapirenewalforcesrekey", Setting(Other(Choice(FLAG)))),
    ("gssapikexalgorithms", Setting(Other(Text))),
    ("pkcs11provider", Setting(Other(Text))),
    ("smartcarddevice", Setting(Other(Text))),
    ("forwardagent", Setting(Other(Text))),
    ("forwardx11", Setting(Other(Choice(FLAG)))),
    ("forwardx11trusted", Setting(Other(Choice(FLAG)))),
    ("forwardx11timeout", Setting(Other(Time))),
    ("exitonforwardfailure", Setting(Other(Choice(FLAG)))),
    ("xauthlocation", Setting(Other(Text))),
    ("gatewayports", Setting(Other(Choice(FLAG)))),
    ("passwordauthentication", Setting(Other(Choice(FLAG)))),
    ("kbdinteractiveauthentication", Setting(Other(Choice(FLAG)))),
    ("kbdinteractivedevices", Setting(Other(Text))),
    (
        "challengeresponseauthentication",
        Setting(Other(Choice(FLAG))),
    ),
    ("skeyauthentication", Setting(Other(Choice(FLAG)))),
    ("tisauthentication", Setting(Other(Choice(FLAG)))),
    (
        "pubkeyauthentication",
        Setting(Other(Choice(&[
            "true",
            "false",
            "yes",
            "no",
            "unbound",
            "host-bound",
        ]))),
    ),
    (
        "dsaauthentication",
        Setting(Other(Choice(&[
            "true",
            "false",
            "yes",
            "no",
            "unbound",
            "host-bound",
        ]))),
    ),
    ("hostbasedauthentication", Setting(Other(Choice(FLAG)))),
    ("identityfile", Setting(Keyword::IdentityFile)),
    ("identityfile2", Setting(Keyword::IdentityFile)),
    ("identitiesonly", Setting(Keyword::IdentitiesOnly)),
    (
        "certificatefile",
        Setting(Limited("CertificateFile", Text, &[])),
    ),
    ("addkeystoagent", Setting(Other(Any))),
    ("identityagent", Setting(Keyword::IdentityAgent)),
    ("hostname", Setting(Keyword::HostName)),
    ("hostkeyalias", Setting(Keyword::HostKeyAlias)),
    ("proxycommand", Setting(Keyword::ProxyCommand)),
    ("port", Setting(Keyword::Port)),
    ("ciphers", Setting(Limited("Ciphers", Text, &[]))),
    ("macs", Setting(Limited("MACs", Text, &[]))),
    ("remoteforward", Setting(Other(Any))),
    ("localforward", Setting(Other(Any))),
    ("permitremoteopen", Setting(Other(Any))),
    ("user", Setting(Keyword::User)),
    ("host", Word::Host),
    ("match", Word::Match),
    ("tag", Setting(Keyword::Tag)),
    ("escapechar", Setting(Other(Text))),
    (
        "globalknownhostsfile",
        Setting(Keyword::GlobalKnownHostsFile),
    ),
    ("userknownhostsfile", Setting(Keyword::UserKnownHostsFile)),
    ("connectionattempts", Setting(Keyword::ConnectionAttempts)),
    ("batchmode", Setting(Other(Choice(FLAG)))),
    ("checkhostip", Setting(Other(Choice(FLAG)))),
    (
        "stricthostkeychecking",
        Setting(Keyword::StrictHostKeyChecking),
    ),
    ("compression", Setting(Other(Choice(&["yes", "no"])))),
    ("tcpkeepalive", Setting(Other(Choice(FLAG)))),
    ("keepalive", Setting(Other(Choice(FLAG)))),
    ("numberofpasswordprompts", Setting(Other(Int))),
    ("syslogfacility", Setting(Other(Text))),
    ("loglevel", Setting(Other(Text))),
    ("logverbose", Setting(Other(Any))),
    ("dynamicforward", Setting(Other(Any))),
    ("preferredauthentications", Setting(Other(Text))),
    (
        "hostkeyalgorithms",
        Setting(Limited("HostKeyAlgorithms", Text, &[])),
    ),
    ("casignaturealgorithms", Setting(Other(Text))),
    ("bindaddress", Setting(Limited("BindAddress", Text, &[]))),
    (
        "bindinterface",
        Setting(Limited("BindInterface", Text, &[])),
    ),
    ("clearallforwardings", Setting(Other(Choice(FLAG)))),
    ("enablesshkeysign", Setting(Other(Choice(FLAG)))),
    ("verifyhostkeydns", Setting(Other(Choice(YES_NO_ASK)))),
    (
        "nohostauthenticationforlocalhost",
        Setting(Other(Choice(FLAG))),
    ),
    ("rekeylimit", Setting(Other(Any))),
    ("connecttimeout", Setting(Keyword::ConnectTimeout)),
    ("addressfamily", Setting(Keyword::AddressFamily)),
    ("serveraliveinterval", Setting(Keyword::ServerAliveInterval)),
    ("serveralivecountmax", Setting(Keyword::ServerAliveCountMax)),
    ("sendenv", Setting(Other(Any))),
    ("setenv", Setting(Other(Any))),
    ("controlpath", Setting(Other(Text))),
    (
        "controlmaster",
        Setting(Other(Choice(&[
            "true", "yes", "false", "no", "auto", "ask", "autoask",
        ]))),
    ),
    ("controlpersist", Setting(Other(Text))),
    ("hashknownhosts", Setting(Keyword::HashKnownHosts)),
    ("include", Word::Include),
    (
        "tunnel",
        Setting(Other(Choice(&[
            "ethernet",
            "point-to-point",
            "true",
            "yes",
            "false",
            "no",
        ]))),
    ),
    ("tunneldevice", Setting(Other(Text))),
    ("localcommand", Setting(Other(Any))),
    ("permitlocalcommand", Setting(Other(Choice(FLAG)))),
    ("remotecommand", Setting(Other(Any))),
    ("visualhostkey", Setting(Other(Choice(FLAG)))),
    (
        "kexalgorithms",
        Setting(Limited("KexAlgorithms", Text, &[])),
    ),
    ("ipqos", Setting(Other(Any))),
    (
        "requesttty",
        Setting(Other(Choice(&[
            "true", "yes", "false", "no", "force", "auto",
        ]))),
    ),
    (
        "sessiontype",
        Setting(Other(Choice(&["none", "subsystem", "default"]))),
    ),
    ("stdinnull", Setting(Other(Choice(FLAG)))),
    ("forkafterauthentication", Setting(Other(Choice(FLAG)))),
    (
        "proxyusefdpass",
        Setting(Limited("ProxyUseFdpass", Choice(FLAG), &["false", "no"])),
    ),
    ("canonicaldomains", Setting(Other(Any))),
    ("canonicalizefallbacklocal", Setting(Other(Choice(FLAG)))),
    (
        "canonicalizehostname",
        Setting(Limited(
            "CanonicalizeHostname",
            Choice(&["true", "false", "yes", "no", "always"]),
            &["false", "no"],
        )),
    ),
    ("canonicalizemaxdots", Setting(Other(Int))),
    ("canonicalizepermittedcnames", Setting(Other(Any))),
    ("streamlocalbindmask", Setting(Other(Text))),
    ("streamlocalbindunlink", Setting(Other(Choice(FLAG)))),
    (
        "revokedhostkeys",
        Setting(Limited("RevokedHostKeys", List, &["none"])),
    ),
    ("fingerprinthash", Setting(Other(Text))),
    ("updatehostkeys", Setting(Other(Choice(YES_NO_ASK)))),
    ("hostbasedacceptedalgorithms", Setting(Other(Text))),
    ("hostbasedkeytypes", Setting(Other(Text))),
    ("pubkeyacceptedalgorithms", Setting(Other(Text))),
    ("pubkeyacceptedkeytypes", Setting(Other(Text))),
    ("ignoreunknown", Setting(Keyword::IgnoreUnknown)),
    ("proxyjump", Setting(Keyword::ProxyJump)),
    ("securitykeyprovider", Setting(Other(Text))),
    ("knownhostscommand", Setting(Other(Any))),
    ("requiredrsasize", Setting(Other(Int))),
    ("enableescapecommandline", Setting(Other(Choice(FLAG)))),
    ("obscurekeystroketiming", Setting(Other(Any))),
    ("channeltimeout", Setting(Other(Any))),
    ("versionaddendum", Setting(Other(Any))),
];

/// The keyword a (lowercased) word names, if OpenSSH knows it.
pub(super) fn lookup(word: &[u8]) -> Option<Word> {
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
