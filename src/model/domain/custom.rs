//! What users add of their own: `<metadata>` (applications' elements, kept as written) and
//! `<qemu:commandline>` (extra QEMU arguments and environment).

use crate::model::dom::{is_ns_decl, Attr, Element, Node};
use crate::model::xml::{render, Style};
use crate::model::ModelError;

/// The namespace of libvirt's QEMU extensions.
pub const QEMU_NS: &str = "http://libvirt.org/schemas/domain/qemu/1.0";

/// The elements of `<metadata>` libvirt keeps: those in a namespace, the first of each
/// namespace, each declaring the namespaces it uses. `None` when `<metadata>` held nothing
/// (libvirt then omits it); an empty list prints `<metadata/>`.
pub(crate) fn metadata(m: &Element) -> Option<Vec<Element>> {
    m.mark_all();
    m.elements().next()?;
    let mut kept: Vec<Element> = Vec::new();
    for e in m.elements() {
        let Some(ns) = &e.ns else { continue };
        if kept.iter().any(|k| k.ns.as_ref() == Some(ns)) {
            continue;
        }
        let mut copy = e.clone();
        declare_used(&mut copy);
        kept.push(copy);
    }
    Some(kept)
}

/// Adds to `e` the declarations of the prefixes its subtree uses and does not declare (a
/// copied node must carry them, as libxml2 reconciles namespaces).
fn declare_used(e: &mut Element) {
    let mut used: Vec<(String, String)> = Vec::new();
    collect_prefixes(e, &mut Vec::new(), &mut used);
    for (i, (prefix, uri)) in used.into_iter().enumerate() {
        let name = if prefix.is_empty() {
            "xmlns".to_string()
        } else {
            format!("xmlns:{prefix}")
        };
        e.attrs.insert(i, Attr::new(&name, &uri));
    }
}

fn collect_prefixes(e: &Element, declared: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    let mine: Vec<String> = e
        .attrs
        .iter()
        .filter(|a| is_ns_decl(&a.name))
        .map(|a| a.name.strip_prefix("xmlns:").unwrap_or("").to_string())
        .collect();
    let depth = declared.len();
    declared.extend(mine);
    let prefix = e.name.rsplit_once(':').map_or("", |(p, _)| p).to_string();
    if let Some(uri) = &e.ns {
        if !declared.contains(&prefix) && !out.iter().any(|(p, _)| *p == prefix) {
            out.push((prefix, uri.clone()));
        }
    }
    for c in e.elements() {
        collect_prefixes(c, declared, out);
    }
    declared.truncate(depth);
}

/// `<metadata>` as libvirt prints it: each element as libxml2 dumps a node.
pub(crate) fn format_metadata(kept: &Option<Vec<Element>>) -> Option<Element> {
    let kept = kept.as_ref()?;
    let mut m = Element::new("metadata");
    for e in kept {
        m.children.push(Node::Raw(render(e, Style::Libxml, 2)));
    }
    Some(m)
}

/// `<qemu:commandline>`: arguments added to QEMU's command line and variables to its
/// environment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QemuCommandline {
    pub args: Vec<String>,
    /// Name and value (`None`: set to the empty string).
    pub env: Vec<(String, Option<String>)>,
}

impl QemuCommandline {
    pub(super) fn parse(root: &Element) -> Result<QemuCommandline, ModelError> {
        if let Some(other) = root
            .elements()
            .find(|e| e.ns.as_deref() == Some(QEMU_NS) && e.local() != "commandline")
        {
            return Err(ModelError::Unsupported(format!(
                "<qemu:{}> is not supported by virtsh",
                other.local()
            )));
        }
        let Some(c) = root.child_ns(QEMU_NS, "commandline") else {
            return Ok(QemuCommandline::default());
        };
        c.mark_all();
        let mut out = QemuCommandline::default();
        for e in c.elements().filter(|e| e.ns.as_deref() == Some(QEMU_NS)) {
            match e.local() {
                "arg" => {
                    let value = e.attr("value").ok_or_else(|| {
                        ModelError::Internal("No qemu command-line argument specified".into())
                    })?;
                    out.args.push(value.to_string());
                }
                "env" => {
                    let name = e.attr("name").unwrap_or_default();
                    check_env_name(name)?;
                    out.env
                        .push((name.to_string(), e.attr("value").map(str::to_string)));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.args.is_empty() && self.env.is_empty()
    }

    /// Printed last in `<domain>`, arguments before variables, as libvirt does.
    pub(super) fn to_element(&self) -> Option<Element> {
        if self.is_empty() {
            return None;
        }
        let mut c = Element::new("qemu:commandline");
        for a in &self.args {
            c.push(Element::new("qemu:arg").with("value", a));
        }
        for (name, value) in &self.env {
            c.push(
                Element::new("qemu:env")
                    .with("name", name)
                    .with_opt("value", value.as_deref()),
            );
        }
        Some(c)
    }
}

fn check_env_name(name: &str) -> Result<(), ModelError> {
    let mut chars = name.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        return Err(ModelError::Internal(
            "Invalid environment name, it must begin with a letter or underscore".into(),
        ));
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ModelError::Internal(
            "Invalid environment name, it must contain only alphanumerics and underscore".into(),
        ));
    }
    Ok(())
}
