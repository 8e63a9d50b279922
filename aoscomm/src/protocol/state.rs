//! Instance state messages (§3.7–3.10): `newState`, `stateRequest` (unit → cloud) and
//! `stateAcceptance`, `updateState` (cloud → unit).

use super::common::{InstanceIdent, Wire};
use super::encoding::{hex_d, write_hex};
use super::enums::StateResult;
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `newState`: the instance reports its new state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewState {
    pub instance: InstanceIdent,
    /// SHA-256 of `state`; always written (`""` when empty).
    pub state_checksum: Vec<u8>,
    /// Raw state text (not base64).
    pub state: String,
}

impl Wire for NewState {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(NewState {
            instance: InstanceIdent::read(o)?,
            state_checksum: hex_d(o, "stateChecksum", SHA256_SIZE)?,
            state: o.str_d("state", STATE_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.instance.write(w);
        w.key("stateChecksum");
        write_hex(w, &self.state_checksum);
        w.kstr("state", &self.state);
    }
}

/// `stateRequest`: the unit asks the cloud for an instance's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StateRequest {
    pub instance: InstanceIdent,
    /// Ask for the default state.
    pub default: bool,
}

impl Wire for StateRequest {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(StateRequest {
            instance: InstanceIdent::read(o)?,
            default: o.bool_d("default")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.instance.write(w);
        w.kbool("default", self.default);
    }
}

/// `stateAcceptance`: the cloud's verdict on a reported state. Note the key `checksum`, not
/// `stateChecksum` (§9.10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateAcceptance {
    pub instance: InstanceIdent,
    pub checksum: Vec<u8>,
    pub result: StateResult,
    pub reason: String,
}

impl Wire for StateAcceptance {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(StateAcceptance {
            instance: InstanceIdent::read(o)?,
            checksum: hex_d(o, "checksum", SHA256_SIZE)?,
            result: StateResult::read(o.req("result")?)?,
            reason: o.str_d("reason", REASON_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.instance.write(w);
        w.key("checksum");
        write_hex(w, &self.checksum);
        w.kstr("result", self.result.as_str());
        w.kstr("reason", &self.reason);
    }
}

/// `updateState`: the cloud sends an instance's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UpdateState {
    pub instance: InstanceIdent,
    pub state_checksum: Vec<u8>,
    pub state: String,
}

impl Wire for UpdateState {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(UpdateState {
            instance: InstanceIdent::read(o)?,
            state_checksum: hex_d(o, "stateChecksum", SHA256_SIZE)?,
            state: o.str_d("state", STATE_LEN)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.instance.write(w);
        w.key("stateChecksum");
        write_hex(w, &self.state_checksum);
        w.kstr("state", &self.state);
    }
}
