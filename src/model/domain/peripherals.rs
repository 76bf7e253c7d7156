//! Graphics, sound cards, watchdogs and random number generators.

use super::devices::{alias_of, with_info, Address};
use crate::model::dom::Element;
use crate::model::extra::Extra;
use crate::model::read::{attr_number, bad_value, choice, invalid};
use crate::model::ModelError;

const GRAPHICS: [&str; 7] = [
    "sdl",
    "vnc",
    "rdp",
    "desktop",
    "spice",
    "egl-headless",
    "dbus",
];

/// A graphical console. virtsh models VNC; other types keep their settings in `extra`.
#[derive(Debug, Clone, PartialEq)]
pub struct Graphics {
    pub kind: String,
    /// The TCP port: the one asked for, or the one a running domain got; `None` while an
    /// automatic one is to be allocated (`port='-1'`).
    pub port: Option<i64>,
    pub autoport: bool,
    /// The address it listens on.
    pub listen: Option<String>,
    pub extra: Extra,
}

/// The first VNC display port.
pub const VNC_BASE: i64 = 5900;

impl Graphics {
    pub(super) fn parse(g: &Element) -> Result<Graphics, ModelError> {
        let kind =
            choice(g, "type", &GRAPHICS)?.ok_or_else(|| invalid("missing graphics device type"))?;
        if kind != "vnc" {
            return Ok(Graphics {
                kind,
                port: None,
                autoport: false,
                listen: None,
                extra: Extra::of(g),
            });
        }
        let port: Option<i64> = attr_number(g, "port", "vnc port")?;
        let port = port.filter(|&p| p != -1);
        let autoport = match g.attr("autoport") {
            Some("no") => port.is_none(),
            Some(_) => true,
            None => port.is_none(),
        };
        let attr_listen = g.attr("listen").map(str::to_string);
        let first = g.elements().find(|e| e.is("listen"));
        let child_listen = match first {
            Some(l) if l.attr("type").unwrap_or("address") == "address" => {
                l.mark();
                l.attr("address").map(str::to_string)
            }
            _ => None,
        };
        if let (Some(a), Some(c)) = (&attr_listen, &child_listen) {
            if a != c {
                return Err(ModelError::Unsupported(format!(
                    "graphics 'listen' attribute '{a}' must match 'address' attribute of first listen element (found '{c}')"
                )));
            }
        }
        Ok(Graphics {
            kind,
            port,
            autoport,
            listen: attr_listen.or(child_listen),
            extra: Extra::of(g),
        })
    }

    /// `live`: for a running domain, whose automatic port is shown.
    pub(super) fn to_element(&self, live: bool) -> Element {
        let mut e = Element::new("graphics").with("type", &self.kind);
        if self.kind == "vnc" {
            let port = self
                .port
                .filter(|_| live || !self.autoport)
                .map_or_else(|| "-1".into(), |p| p.to_string());
            e = e
                .with("port", port)
                .with("autoport", if self.autoport { "yes" } else { "no" })
                .with_opt("listen", self.listen.as_deref());
            e.push(
                Element::new("listen")
                    .with("type", "address")
                    .with_opt("address", self.listen.as_deref()),
            );
        }
        self.extra.merge(&mut e, &[]);
        e
    }
}

const SOUND: [&str; 9] = [
    "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7", "virtio",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Sound {
    pub model: String,
    pub address: Option<Address>,
    pub alias: Option<String>,
    pub extra: Extra,
}

impl Sound {
    pub(super) fn parse(s: &Element) -> Result<Sound, ModelError> {
        Ok(Sound {
            model: choice(s, "model", &SOUND)?.ok_or_else(|| invalid("missing sound model"))?,
            address: Address::parse(s),
            alias: alias_of(s),
            extra: Extra::of(s),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut e = with_info(
            Element::new("sound").with("model", &self.model),
            &self.alias,
            &self.address,
        );
        self.extra.merge(&mut e, &[]);
        e
    }
}

const WATCHDOG_MODELS: [&str; 4] = ["i6300esb", "ib700", "diag288", "itco"];
const WATCHDOG_ACTIONS: [&str; 7] = [
    "reset",
    "shutdown",
    "poweroff",
    "pause",
    "dump",
    "none",
    "inject-nmi",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Watchdog {
    pub model: String,
    /// What happens when it fires; `reset` unless said.
    pub action: String,
    pub address: Option<Address>,
    pub alias: Option<String>,
    pub extra: Extra,
}

impl Watchdog {
    pub(super) fn parse(w: &Element) -> Result<Watchdog, ModelError> {
        Ok(Watchdog {
            model: choice(w, "model", &WATCHDOG_MODELS)?
                .ok_or_else(|| invalid("watchdog must contain model name"))?,
            action: choice(w, "action", &WATCHDOG_ACTIONS)?.unwrap_or_else(|| "reset".into()),
            address: Address::parse(w),
            alias: alias_of(w),
            extra: Extra::of(w),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let e = Element::new("watchdog")
            .with("model", &self.model)
            .with("action", &self.action);
        let mut e = with_info(e, &self.alias, &self.address);
        self.extra.merge(&mut e, &[]);
        e
    }
}

const RNG_MODELS: [&str; 3] = ["virtio", "virtio-transitional", "virtio-non-transitional"];
const RNG_BACKENDS: [&str; 3] = ["random", "egd", "builtin"];

/// A random number generator for the guest, fed from the host.
#[derive(Debug, Clone, PartialEq)]
pub struct Rng {
    pub model: String,
    /// `random` (a host device), `egd` or `builtin`.
    pub backend: String,
    /// The host device of a `random` backend.
    pub device: Option<String>,
    /// At most `bytes` per `period` milliseconds.
    pub rate: Option<(u64, Option<u64>)>,
    pub address: Option<Address>,
    pub alias: Option<String>,
    pub extra: Extra,
}

impl Rng {
    pub(super) fn parse(r: &Element) -> Result<Rng, ModelError> {
        let model = match r.attr("model") {
            Some(m) if RNG_MODELS.contains(&m) => m.to_string(),
            Some(m) => return Err(bad_value("model", "rng", m)),
            None => return Err(invalid("missing RNG device model")),
        };
        let backend = r
            .child("backend")
            .ok_or_else(|| invalid("only one RNG backend is supported"))?;
        let kind = match backend.attr("model") {
            Some(m) if RNG_BACKENDS.contains(&m) => m.to_string(),
            Some(m) => return Err(bad_value("model", "backend", m)),
            None => return Err(invalid("missing RNG device backend model")),
        };
        let device = (kind == "random").then(|| {
            let path = backend.text();
            if path.is_empty() {
                "/dev/random".to_string()
            } else {
                path
            }
        });
        let rate = match r.child("rate") {
            Some(rate) => {
                let bytes = attr_number(rate, "bytes", "rng rate bytes")?
                    .ok_or_else(|| invalid("missing RNG rate bytes"))?;
                Some((bytes, attr_number(rate, "period", "rng rate period")?))
            }
            None => None,
        };
        Ok(Rng {
            model,
            backend: kind,
            device,
            rate,
            address: Address::parse(r),
            alias: alias_of(r),
            extra: Extra::of(r),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut e = Element::new("rng").with("model", &self.model);
        if let Some((bytes, period)) = self.rate {
            e.push(
                Element::new("rate")
                    .with("bytes", bytes.to_string())
                    .with_opt("period", period.map(|p| p.to_string())),
            );
        }
        let backend = match &self.device {
            Some(d) => Element::leaf("backend", d),
            None => Element::new("backend"),
        };
        e.push(backend.with("model", &self.backend));
        let mut e = with_info(e, &self.alias, &self.address);
        self.extra.merge(&mut e, &[]);
        e
    }
}
