//! Blobs (§3.15–3.16): `requestBlobUrls` (unit → cloud) and `blobUrls` (cloud → unit).

use super::common::{kwrite, Wire};
use super::encoding::{base64_d, hex_d, write_base64, write_hex, Timestamp};
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `requestBlobUrls`: the unit asks where to download blobs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestBlobUrls {
    pub digests: Vec<String>,
}

impl Wire for RequestBlobUrls {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(RequestBlobUrls {
            digests: o.strs_d("digests", MAX_BLOBS, DIGEST_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstrs("digests", &self.digests);
    }
}

/// `blobUrls`: the answer, matched to the request by `correlationId`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlobUrls {
    pub items: Vec<BlobInfo>,
}

impl Wire for BlobUrls {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(BlobUrls {
            items: o.objs_d("items", MAX_BLOBS, BlobInfo::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("items", &self.items, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlobInfo {
    pub digest: String,
    pub urls: Vec<String>,
    pub sha256: Vec<u8>,
    pub size: u64,
    pub decrypt_info: Option<DecryptInfo>,
    pub sign_info: Option<SignInfo>,
}

impl Wire for BlobInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(BlobInfo {
            digest: o.str_d("digest", DIGEST_LEN)?,
            urls: o.strs_d("urls", MAX_URLS, URL_LEN)?,
            sha256: hex_d(o, "sha256", SHA256_SIZE)?,
            size: o.u64_d("size")?,
            decrypt_info: o.obj_opt("decryptInfo", DecryptInfo::read)?,
            sign_info: o.obj_opt("signInfo", SignInfo::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("digest", &self.digest);
        w.kstrs("urls", &self.urls);
        w.key("sha256");
        write_hex(w, &self.sha256);
        w.ku64("size", self.size);
        if let Some(d) = &self.decrypt_info {
            kwrite(w, "decryptInfo", d);
        }
        if let Some(s) = &self.sign_info {
            kwrite(w, "signInfo", s);
        }
    }
}

/// How to decrypt a downloaded blob.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecryptInfo {
    /// e.g. `AES256/CBC/pkcs7`
    pub block_alg: String,
    pub block_iv: Vec<u8>,
    pub block_key: Vec<u8>,
}

impl Wire for DecryptInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(DecryptInfo {
            block_alg: o.str_d("blockAlg", ALG_LEN)?,
            block_iv: base64_d(o, "blockIv", IV_SIZE)?,
            block_key: base64_d(o, "blockKey", KEY_SIZE)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("blockAlg", &self.block_alg);
        w.key("blockIv");
        write_base64(w, &self.block_iv);
        w.key("blockKey");
        write_base64(w, &self.block_key);
    }
}

/// How to check a downloaded blob's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInfo {
    pub chain_name: String,
    /// e.g. `RSA/SHA256`
    pub alg: String,
    pub value: Vec<u8>,
    pub trusted_timestamp: Timestamp,
    pub ocsp_values: Vec<String>,
}

impl Wire for SignInfo {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(SignInfo {
            chain_name: o.str_d("chainName", CHAIN_NAME_LEN)?,
            alg: o.str_d("alg", ALG_LEN)?,
            value: base64_d(o, "value", SIGNATURE_SIZE)?,
            trusted_timestamp: Timestamp::read(o.req("trustedTimestamp")?)?,
            ocsp_values: o.strs_d("ocspValues", MAX_OCSP_VALUES, OCSP_VALUE_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("chainName", &self.chain_name);
        w.kstr("alg", &self.alg);
        w.key("value");
        write_base64(w, &self.value);
        w.key("trustedTimestamp");
        self.trusted_timestamp.write(w);
        w.kstrs("ocspValues", &self.ocsp_values);
    }
}
