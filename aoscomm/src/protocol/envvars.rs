//! Environment variables (§3.13–3.14): `overrideEnvVars` (cloud → unit) and
//! `overrideEnvVarsStatus` (unit → cloud).

use super::common::{read_error, write_error, ErrorInfo, InstanceFilter, InstanceIdent, Wire};
use super::encoding::{timestamp_opt, Timestamp};
use super::json::{Obj, Result, Writer};
use super::limits::*;

/// `overrideEnvVars`: variables to set per instance filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverrideEnvVars {
    pub items: Vec<EnvVarsInstance>,
}

impl Wire for OverrideEnvVars {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(OverrideEnvVars {
            items: o.objs_d("items", MAX_INSTANCES, EnvVarsInstance::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("items", &self.items, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvVarsInstance {
    pub filter: InstanceFilter,
    pub variables: Vec<EnvVar>,
}

impl Wire for EnvVarsInstance {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(EnvVarsInstance {
            filter: InstanceFilter::read(o)?,
            variables: o.objs_d("variables", MAX_ENV_VARS, EnvVar::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.filter.write(w);
        w.kobjs("variables", &self.variables, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    /// Absolute expiry time (not a duration).
    pub ttl: Option<Timestamp>,
}

impl Wire for EnvVar {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(EnvVar {
            name: o.str_d("name", ENV_VAR_NAME_LEN)?,
            value: o.str_d("value", ENV_VAR_VALUE_LEN)?,
            ttl: timestamp_opt(o, "ttl")?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kstr("name", &self.name);
        w.kstr("value", &self.value);
        if let Some(t) = &self.ttl {
            w.key("ttl");
            t.write(w);
        }
    }
}

/// `overrideEnvVarsStatus`: one entry per variable (flattened, §3.14).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OverrideEnvVarsStatus {
    pub statuses: Vec<EnvVarStatus>,
}

impl Wire for OverrideEnvVarsStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(OverrideEnvVarsStatus {
            statuses: o.objs_d("statuses", MAX_ENV_VAR_STATUSES, EnvVarStatus::read)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        w.kobjs("statuses", &self.statuses, |w, x| x.write(w));
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvVarStatus {
    pub instance: InstanceIdent,
    pub name: String,
    pub error: Option<ErrorInfo>,
}

impl Wire for EnvVarStatus {
    fn read(o: &Obj<'_>) -> Result<Self> {
        Ok(EnvVarStatus {
            instance: InstanceIdent::read(o)?,
            name: o.str_d("name", ENV_VAR_NAME_LEN)?,
            error: read_error(o)?,
        })
    }
    fn write(&self, w: &mut Writer) {
        self.instance.write(w);
        w.kstr("name", &self.name);
        write_error(w, &self.error);
    }
}
