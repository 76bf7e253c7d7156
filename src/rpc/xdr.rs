//! XDR (RFC 4506) as libvirt's RPC uses it: big-endian 4-byte units, strings and variable
//! opaque data with a length and padding to 4 bytes, fixed opaque data, optional data (a bool
//! then the value), variable arrays (a count then the items). Decoding never panics: malformed
//! input is an error.

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XdrError {
    #[error("truncated XDR data: needed {needed} more bytes")]
    Truncated { needed: usize },
    #[error("XDR length {len} exceeds the limit {max}")]
    TooLong { len: usize, max: usize },
    #[error("XDR boolean has value {0}")]
    BadBool(u32),
    #[error("XDR union has no arm {0}")]
    BadDiscriminant(i32),
    #[error("{0} bytes left over after the XDR value")]
    Trailing(usize),
}

/// libvirt's limit for a string (`REMOTE_STRING_MAX`).
pub const STRING_MAX: usize = 4_194_304;

pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data, pos: 0 }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], XdrError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(XdrError::Truncated { needed: n })?;
        if end > self.data.len() {
            return Err(XdrError::Truncated {
                needed: end - self.data.len(),
            });
        }
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn padded(&mut self, n: usize) -> Result<&'a [u8], XdrError> {
        let out = self.take(n)?;
        self.take((4 - n % 4) % 4)?;
        Ok(out)
    }

    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Fails unless everything was read.
    pub fn finish(&self) -> Result<(), XdrError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(XdrError::Trailing(n)),
        }
    }
}

/// A type with an XDR form.
pub trait Xdr: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(r: &mut Reader) -> Result<Self, XdrError>;
}

/// Decodes a whole buffer as one value.
pub fn from_bytes<T: Xdr>(data: &[u8]) -> Result<T, XdrError> {
    let mut r = Reader::new(data);
    let v = T::decode(&mut r)?;
    r.finish()?;
    Ok(v)
}

pub fn to_bytes<T: Xdr>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.encode(&mut out);
    out
}

impl Xdr for u32 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(r: &mut Reader) -> Result<u32, XdrError> {
        let b = r.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl Xdr for i32 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(r: &mut Reader) -> Result<i32, XdrError> {
        u32::decode(r).map(|v| v as i32)
    }
}

impl Xdr for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(r: &mut Reader) -> Result<u64, XdrError> {
        let b = r.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
}

impl Xdr for i64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn decode(r: &mut Reader) -> Result<i64, XdrError> {
        u64::decode(r).map(|v| v as i64)
    }
}

impl Xdr for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        u32::from(*self).encode(out)
    }
    fn decode(r: &mut Reader) -> Result<bool, XdrError> {
        match u32::decode(r)? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(XdrError::BadBool(v)),
        }
    }
}

fn encode_opaque(bytes: &[u8], out: &mut Vec<u8>) {
    (bytes.len() as u32).encode(out);
    out.extend_from_slice(bytes);
    out.resize(out.len() + (4 - bytes.len() % 4) % 4, 0);
}

fn decode_len(r: &mut Reader, max: usize) -> Result<usize, XdrError> {
    let len = u32::decode(r)? as usize;
    if len > max {
        return Err(XdrError::TooLong { len, max });
    }
    Ok(len)
}

impl Xdr for String {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(&crate::bytes::to_bytes(self), out)
    }
    /// libvirt's strings are C strings, bytes in whatever encoding the host's names have:
    /// one that is not UTF-8 (a file `bad\xff.img` in a pool) is kept byte for byte (see
    /// `crate::bytes`), so it goes back to the daemon as it came.
    fn decode(r: &mut Reader) -> Result<String, XdrError> {
        let len = decode_len(r, STRING_MAX)?;
        let bytes = r.padded(len)?;
        Ok(crate::bytes::to_string(bytes))
    }
}

/// Variable-length opaque data (`opaque<>`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Opaque(pub Vec<u8>);

impl Xdr for Opaque {
    fn encode(&self, out: &mut Vec<u8>) {
        encode_opaque(&self.0, out)
    }
    fn decode(r: &mut Reader) -> Result<Opaque, XdrError> {
        let len = decode_len(r, STRING_MAX)?;
        Ok(Opaque(r.padded(len)?.to_vec()))
    }
}

/// A UUID: fixed opaque of 16 bytes.
impl Xdr for uuid::Uuid {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes())
    }
    fn decode(r: &mut Reader) -> Result<uuid::Uuid, XdrError> {
        let b = r.take(16)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        Ok(uuid::Uuid::from_bytes(a))
    }
}

/// Optional data (`T *`): a boolean, then the value when present.
impl<T: Xdr> Xdr for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => {
                true.encode(out);
                v.encode(out);
            }
            None => false.encode(out),
        }
    }
    fn decode(r: &mut Reader) -> Result<Option<T>, XdrError> {
        Ok(if bool::decode(r)? {
            Some(T::decode(r)?)
        } else {
            None
        })
    }
}

/// A variable array (`T<>`): the count, then the items. The count is checked against what is
/// left, so a hostile count cannot make us allocate.
impl<T: Xdr> Xdr for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        for v in self {
            v.encode(out);
        }
    }
    fn decode(r: &mut Reader) -> Result<Vec<T>, XdrError> {
        let len = u32::decode(r)? as usize;
        if len > r.remaining() / 4 + 1 {
            return Err(XdrError::TooLong {
                len,
                max: r.remaining() / 4,
            });
        }
        (0..len).map(|_| T::decode(r)).collect()
    }
}

impl Xdr for () {
    fn encode(&self, _: &mut Vec<u8>) {}
    fn decode(_: &mut Reader) -> Result<(), XdrError> {
        Ok(())
    }
}

/// Two values one after the other (a struct of two fields).
impl<A: Xdr, B: Xdr> Xdr for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
    fn decode(r: &mut Reader) -> Result<(A, B), XdrError> {
        Ok((A::decode(r)?, B::decode(r)?))
    }
}

/// Declares a struct and its XDR form (fields in order).
#[macro_export]
macro_rules! xdr_struct {
    ($(#[$m:meta])* pub struct $name:ident { $(pub $field:ident: $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name { $(pub $field: $ty,)* }
        impl $crate::rpc::xdr::Xdr for $name {
            fn encode(&self, out: &mut Vec<u8>) {
                $($crate::rpc::xdr::Xdr::encode(&self.$field, out);)*
                let _ = out;
            }
            fn decode(r: &mut $crate::rpc::xdr::Reader) -> Result<Self, $crate::rpc::xdr::XdrError> {
                let _ = &r;
                Ok($name { $($field: <$ty as $crate::rpc::xdr::Xdr>::decode(r)?,)* })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_padding() {
        let s = String::from("abcde");
        let b = to_bytes(&s);
        assert_eq!(b, [0, 0, 0, 5, b'a', b'b', b'c', b'd', b'e', 0, 0, 0]);
        assert_eq!(from_bytes::<String>(&b).unwrap(), s);
        let v: Vec<Option<i32>> = vec![Some(-1), None];
        let b = to_bytes(&v);
        assert_eq!(b, [0, 0, 0, 2, 0, 0, 0, 1, 255, 255, 255, 255, 0, 0, 0, 0]);
        assert_eq!(from_bytes::<Vec<Option<i32>>>(&b).unwrap(), v);
        assert_eq!(from_bytes::<u64>(&to_bytes(&u64::MAX)).unwrap(), u64::MAX);
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(matches!(
            from_bytes::<String>(&[0, 0, 0, 9, b'a']),
            Err(XdrError::Truncated { .. })
        ));
        assert!(matches!(
            from_bytes::<String>(&[255, 255, 255, 255]),
            Err(XdrError::TooLong { .. })
        ));
        assert!(matches!(
            from_bytes::<Vec<u32>>(&[0x7f, 0, 0, 0]),
            Err(XdrError::TooLong { .. })
        ));
        assert_eq!(from_bytes::<bool>(&[0, 0, 0, 2]), Err(XdrError::BadBool(2)));
        assert_eq!(
            from_bytes::<u32>(&[0, 0, 0, 1, 0]),
            Err(XdrError::Trailing(1))
        );
        let odd = [0, 0, 0, 4, b'b', 0xff, b'.', b'x'];
        let s = from_bytes::<String>(&odd).unwrap();
        assert_eq!(to_bytes(&s), odd);
    }
}
