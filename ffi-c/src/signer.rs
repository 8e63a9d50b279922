//! A `rustls` signing key whose signatures come from a C callback (keys in an HSM).

use std::os::raw::{c_int, c_void};

use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};

use crate::result::*;

/// Signs `message` (the TLS handshake transcript part to sign) with the scheme `scheme` (a TLS
/// SignatureScheme code). Writes the signature (DER for ECDSA) into `sig`, at most `sig_cap`
/// bytes, and its length into `*sig_len`; returns 0 on success, non-zero on failure. Called on a
/// library thread; see `aoscomm_config_set_signer`.
pub type aoscomm_sign_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        scheme: u16,
        message: *const u8,
        message_len: usize,
        sig: *mut u8,
        sig_cap: usize,
        sig_len: *mut usize,
    ) -> c_int,
>;

type SignFn =
    unsafe extern "C" fn(*mut c_void, u16, *const u8, usize, *mut u8, usize, *mut usize) -> c_int;

/// Capacity of the signature buffer handed to the callback (RSA-8192 needs 1024).
const SIG_CAP: usize = 1024;

#[derive(Clone, Copy)]
struct Callback {
    f: SignFn,
    userdata: usize,
}

pub(crate) struct CSigner {
    schemes: Vec<SignatureScheme>,
    algorithm: SignatureAlgorithm,
    cb: Callback,
}

impl std::fmt::Debug for CSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CSigner")
            .field("schemes", &self.schemes)
            .finish()
    }
}

fn algorithm_of(s: SignatureScheme) -> Option<SignatureAlgorithm> {
    use SignatureScheme::*;
    Some(match s {
        ECDSA_NISTP256_SHA256
        | ECDSA_NISTP384_SHA384
        | ECDSA_NISTP521_SHA512
        | ECDSA_SHA1_Legacy => SignatureAlgorithm::ECDSA,
        RSA_PKCS1_SHA1 | RSA_PKCS1_SHA256 | RSA_PKCS1_SHA384 | RSA_PKCS1_SHA512
        | RSA_PSS_SHA256 | RSA_PSS_SHA384 | RSA_PSS_SHA512 => SignatureAlgorithm::RSA,
        ED25519 => SignatureAlgorithm::ED25519,
        ED448 => SignatureAlgorithm::ED448,
        _ => return None,
    })
}

impl CSigner {
    pub(crate) fn new(codes: &[u16], f: SignFn, userdata: *mut c_void) -> FfiResult<Self> {
        if codes.is_empty() {
            return fail(
                aoscomm_result::InvalidArgument,
                "signer: no signature schemes",
            );
        }
        let mut schemes = Vec::new();
        let mut algorithm = None;
        for &c in codes {
            let s = SignatureScheme::from(c);
            let Some(a) = algorithm_of(s) else {
                return fail(
                    aoscomm_result::InvalidArgument,
                    format!("signer: unsupported signature scheme 0x{c:04x}"),
                );
            };
            match algorithm {
                None => algorithm = Some(a),
                Some(prev) if prev != a => {
                    return fail(
                        aoscomm_result::InvalidArgument,
                        format!("signer: scheme 0x{c:04x} is {a:?}, the others are {prev:?}"),
                    )
                }
                _ => {}
            }
            schemes.push(s);
        }
        let Some(algorithm) = algorithm else {
            return fail(
                aoscomm_result::InvalidArgument,
                "signer: no signature schemes",
            );
        };
        Ok(CSigner {
            schemes,
            algorithm,
            cb: Callback {
                f,
                userdata: userdata as usize,
            },
        })
    }
}

impl SigningKey for CSigner {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        self.schemes
            .iter()
            .find(|s| offered.contains(s))
            .map(|&scheme| {
                Box::new(CSchemeSigner {
                    scheme,
                    cb: self.cb,
                }) as Box<dyn Signer>
            })
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }
}

struct CSchemeSigner {
    scheme: SignatureScheme,
    cb: Callback,
}

impl std::fmt::Debug for CSchemeSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CSchemeSigner")
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl Signer for CSchemeSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let mut sig = vec![0u8; SIG_CAP];
        let mut len: usize = 0;
        let rc = crate::client::as_callback(|| unsafe {
            (self.cb.f)(
                self.cb.userdata as *mut c_void,
                u16::from(self.scheme),
                message.as_ptr(),
                message.len(),
                sig.as_mut_ptr(),
                sig.len(),
                &mut len,
            )
        });
        if rc != 0 {
            tracing::warn!(scheme = ?self.scheme, rc, "the signer callback failed");
            return Err(rustls::Error::General(format!(
                "signer callback failed ({rc})"
            )));
        }
        if len == 0 || len > SIG_CAP {
            return Err(rustls::Error::General(format!(
                "signer callback returned a bad length {len}"
            )));
        }
        sig.truncate(len);
        Ok(sig)
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}
