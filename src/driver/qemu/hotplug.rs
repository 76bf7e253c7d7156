//! Guest interfaces changed while the domain runs or in its definition: `attach-interface`,
//! `detach-interface` (`virDomainAttachDeviceFlags`, `virDomainDetachDeviceFlags`),
//! `domif-setlink` (`virDomainUpdateDeviceFlags`) and `domifstat`.
//!
//! A live attach sends QEMU the `-netdev` and `-device` a boot would have given it and puts a
//! tap on its bridge; a live detach asks the guest to let the NIC go (ACPI PCI hot-unplug),
//! waits for QEMU to drop it, then removes its netdev.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::cmdline::interface_args;
use super::nics;
use super::qmp::Qmp;
use super::QemuDriver;
use crate::driver::prelude::*;
use crate::model::dom;
use crate::model::domain::Interface;
use crate::model::mac::Mac;
use crate::model::DomainDef;

/// How long the guest has to release a NIC that is being unplugged.
const UNPLUG_WAIT: Duration = Duration::from_secs(10);

fn qmp_error(e: super::qmp::QmpError) -> Error {
    Error::operation_failed(e.to_string())
}

/// The one `<interface>` a device call is given; other devices are refused.
fn interface_of(xml: &str) -> Result<Interface> {
    let e = dom::parse(xml).map_err(Error::xml_detail)?;
    if e.name != "interface" {
        return Err(Error::new(
            ErrorCode::OperationUnsupported,
            format!(
                "Operation not supported: virtsh's QEMU driver attaches, detaches and updates interfaces only, not <{}>",
                e.name
            ),
        ));
    }
    Ok(Interface::parse(&e)?)
}

/// Where `mac` is among the definition's interfaces.
fn position(def: &DomainDef, mac: Option<&str>) -> Result<usize> {
    let want = mac.and_then(Mac::parse);
    def.devices
        .interfaces
        .iter()
        .position(|i| want.is_some() && i.mac.as_deref().and_then(Mac::parse) == want)
        .ok_or_else(|| {
            Error::operation_failed(format!(
                "no interface with MAC address '{}' found",
                mac.unwrap_or_default()
            ))
        })
}

/// A netdev option string (`tap,id=x,ifname=y`) as `netdev_add`'s arguments.
fn netdev_json(options: &str) -> Value {
    let mut parts = options.split(',');
    let mut args = json!({ "type": parts.next().unwrap_or_default() });
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            args[k] = json!(v);
        }
    }
    args
}

/// A device option string (`virtio-net-pci,netdev=x,mac=y,id=z`) as `device_add`'s arguments.
fn device_json(options: &str) -> Value {
    let mut parts = options.split(',');
    let mut args = json!({ "driver": parts.next().unwrap_or_default() });
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            args[k] = json!(v);
        }
    }
    args
}

/// Sets the link of each interface whose cable is out (at boot, before the CPUs run).
pub fn set_links(qmp: &mut Qmp, def: &DomainDef) -> std::result::Result<(), super::qmp::QmpError> {
    for (i, n) in def.devices.interfaces.iter().enumerate() {
        if n.link_state.as_deref() == Some("down") {
            let (net, _) = nics::ids(def, i);
            qmp.execute("set_link", Some(json!({ "name": net, "up": false })))?;
        }
    }
    Ok(())
}

impl QemuDriver {
    pub(super) fn attach_interface(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: ModifyFlags,
    ) -> Result<()> {
        let mut iface = interface_of(xml)?;
        super::checks::check_interface(&iface)?;
        // What a boot would refuse is not plugged in either.
        super::checks::refuse_unmodelled(&iface.extra.describe("interface"), &dom.name)?;
        if iface.mac.is_none() {
            let r = uuid::Uuid::new_v4();
            let b = r.as_bytes();
            iface.mac = Some(Mac([0x52, 0x54, 0x00, b[0], b[1], b[2]]).to_string());
        }
        let networks = &self.networks;
        self.domains().modify(
            dom,
            flags,
            |def, live| {
                if position(def, iface.mac.as_deref()).is_ok() {
                    return Err(Error::operation_failed(format!(
                        "target already exists: interface with MAC address {}",
                        iface.mac.as_deref().unwrap_or_default()
                    )));
                }
                let mut added = iface.clone();
                if live && added.backend.as_deref() == Some("passt") {
                    return Err(Error::unsupported(
                        "hot-plugging an interface with the passt backend; attach it with --config",
                    ));
                }
                if !live {
                    added.target_dev = None;
                }
                def.devices.interfaces.push(added);
                if live {
                    // Only the new interface is planned: the others have their taps.
                    let index = def.devices.interfaces.len() - 1;
                    let mut one = def.clone();
                    one.devices.interfaces.retain(|i| i.mac == iface.mac);
                    let taps = nics::plan(&mut one, networks)?;
                    def.devices.interfaces[index].target_dev =
                        one.devices.interfaces[0].target_dev.clone();
                    drop(taps);
                }
                Ok(())
            },
            |qmp, def| {
                let index = position(def, iface.mac.as_deref())?;
                let n = &def.devices.interfaces[index];
                let (netdev, device) = interface_args(def, index, n);
                qmp.execute("netdev_add", Some(netdev_json(&netdev)))
                    .map_err(qmp_error)?;
                let plugged = (|| {
                    if let (Some(tap), "network" | "bridge") = (&n.target_dev, n.kind.as_str()) {
                        let bridge = match n.kind.as_str() {
                            "network" => networks.bridge_for_guest(
                                n.source_network.as_deref().unwrap_or_default(),
                            )?,
                            _ => n.source_bridge.clone().unwrap_or_default(),
                        };
                        let mac = n.mac.as_deref().and_then(Mac::parse);
                        crate::driver::network::host::attach_tap(tap, &bridge, mac)?;
                    }
                    qmp.execute("device_add", Some(device_json(&device)))
                        .map_err(qmp_error)
                })();
                if let Err(e) = plugged {
                    // As libvirt: the netdev goes again (its tap with it), so that a retry
                    // starts from nothing; the first error is the one reported.
                    let (id, _) = nics::ids(def, index);
                    let _ = qmp.execute("netdev_del", Some(json!({ "id": id })));
                    return Err(e);
                }
                Ok(())
            },
        )
    }

    pub(super) fn detach_interface(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: ModifyFlags,
    ) -> Result<()> {
        let iface = interface_of(xml)?;
        self.domains().modify(
            dom,
            flags,
            |def, live| {
                let at = position(def, iface.mac.as_deref())?;
                // The live definition loses it once QEMU has (below).
                if !live {
                    def.devices.interfaces.remove(at);
                }
                Ok(())
            },
            |qmp, def| {
                let at = position(def, iface.mac.as_deref())?;
                let (net, nic) = nics::ids(def, at);
                qmp.execute("device_del", Some(json!({ "id": nic })))
                    .map_err(qmp_error)?;
                let started = Instant::now();
                loop {
                    let present = qmp
                        .execute("qom-list", Some(json!({ "path": "/machine/peripheral" })))
                        .map_err(qmp_error)?
                        .as_array()
                        .is_some_and(|a| a.iter().any(|p| p["name"] == nic.as_str()));
                    if !present {
                        break;
                    }
                    if started.elapsed() > UNPLUG_WAIT {
                        return Err(Error::operation_failed(format!(
                            "the guest did not release interface {} in {} s; it stays attached",
                            iface.mac.as_deref().unwrap_or_default(),
                            UNPLUG_WAIT.as_secs()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                qmp.execute("netdev_del", Some(json!({ "id": net })))
                    .map_err(qmp_error)?;
                Ok(())
            },
        )?;
        // Now that QEMU dropped it, the live definition does too.
        if flags.has(ModifyFlags::LIVE)
            || !flags.has(ModifyFlags::CONFIG) && self.domains().state(dom)?.is_active()
        {
            self.domains().modify(
                dom,
                ModifyFlags::LIVE,
                |def, _| {
                    if let Ok(at) = position(def, iface.mac.as_deref()) {
                        def.devices.interfaces.remove(at);
                    }
                    Ok(())
                },
                |_, _| Ok(()),
            )?;
        }
        Ok(())
    }

    /// `update-device` of an interface: its link state, the one thing that changes in place.
    pub(super) fn update_interface(
        &self,
        dom: &DomainRef,
        xml: &str,
        flags: ModifyFlags,
    ) -> Result<()> {
        let new = interface_of(xml)?;
        self.domains().modify(
            dom,
            flags,
            |def, _| {
                let at = position(def, new.mac.as_deref())?;
                let old = &mut def.devices.interfaces[at];
                // Everything but the link state must be as it is (what the running guest was
                // given, and its PCI address, may be left out).
                let mut same = new.clone();
                same.link_state = old.link_state.clone();
                same.target_dev = same.target_dev.or_else(|| old.target_dev.clone());
                same.address = same.address.or_else(|| old.address.clone());
                if same != *old {
                    return Err(Error::new(
                        ErrorCode::OperationUnsupported,
                        "Operation not supported: cannot modify network device configuration other than its link state",
                    ));
                }
                old.link_state = new.link_state.clone();
                Ok(())
            },
            |qmp, def| {
                let at = position(def, new.mac.as_deref())?;
                let (net, _) = nics::ids(def, at);
                let up = new.link_state.as_deref() != Some("down");
                qmp.execute("set_link", Some(json!({ "name": net, "up": up })))
                    .map_err(qmp_error)?;
                Ok(())
            },
        )
    }

    /// A running guest's interface counters, from its tap (whose receive is the guest's send).
    pub(super) fn tap_stats(&self, dom: &DomainRef, device: &str) -> Result<InterfaceStats> {
        let v = self.domains().get(dom)?;
        if !v.observed.state.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        let mac = Mac::parse(device);
        let iface = v
            .def
            .devices
            .interfaces
            .iter()
            .find(|i| {
                i.target_dev.as_deref() == Some(device)
                    || (mac.is_some() && i.mac.as_deref().and_then(Mac::parse) == mac)
            })
            .ok_or_else(|| Error::invalid_arg(format!("'{device}' is not a known interface")))?;
        let tap = match (iface.kind.as_str(), &iface.target_dev) {
            ("network" | "bridge", Some(t)) => t,
            _ => {
                return Err(Error::new(
                    ErrorCode::OperationUnsupported,
                    format!(
                        "Operation not supported: interface stats of a '{}' interface: it has no host device",
                        iface.kind
                    ),
                ))
            }
        };
        let read = |name: &str| -> i64 {
            std::fs::read_to_string(format!("/sys/class/net/{tap}/statistics/{name}"))
                .ok()
                .and_then(|t| t.trim().parse().ok())
                .unwrap_or(-1)
        };
        Ok(InterfaceStats {
            rx_bytes: read("tx_bytes"),
            rx_packets: read("tx_packets"),
            rx_errs: read("tx_errors"),
            rx_drop: read("tx_dropped"),
            tx_bytes: read("rx_bytes"),
            tx_packets: read("rx_packets"),
            tx_errs: read("rx_errors"),
            tx_drop: read("rx_dropped"),
        })
    }
}
