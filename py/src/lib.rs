//! The Python extension `aoscomm._aoscomm` (pyo3). No protocol logic lives here: every rule is
//! in the `aoscomm` core; this crate converts arguments and results, releases the interpreter
//! while waiting, and maps errors onto `aoscomm.errors`.

mod analysis;
mod bridge;
mod client;
mod cloud;
mod codec;
mod delivery;
mod errors;
mod events;
mod logging;
mod pyjson;
mod settings;
mod wait;

use pyo3::prelude::*;

#[pymodule]
#[pyo3(name = "_aoscomm")]
fn aoscomm_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    // One worker polls the awaitables handed to asyncio (they only wait on the clients'
    // own runtimes).
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.worker_threads(1)
        .thread_name("aoscomm-asyncio")
        .enable_all();
    pyo3_async_runtimes::tokio::init(rt);
    logging::install(py);

    m.add("__version__", aoscomm::VERSION)?;
    m.add("PROTOCOL_VERSION", aoscomm::protocol::PROTOCOL_VERSION)?;
    m.add("MESSAGE_TYPES", codec::message_types())?;
    m.add("UNIT_TO_CLOUD", codec::unit_to_cloud())?;
    m.add("CLOUD_TO_UNIT", codec::cloud_to_unit())?;
    m.add_class::<codec::Message>()?;
    m.add_class::<delivery::Delivery>()?;
    m.add_class::<delivery::PendingDelivery>()?;
    m.add_class::<events::Event>()?;
    m.add_class::<events::EventStream>()?;
    m.add_class::<client::NativeClient>()?;
    m.add_class::<client::RequestCanceller>()?;
    m.add_class::<bridge::LoopBridge>()?;
    m.add_class::<cloud::NativeMockCloud>()?;
    m.add_class::<analysis::ArrowStream>()?;
    m.add_class::<analysis::NativeLogReader>()?;
    m.add_class::<analysis::NativeRecording>()?;
    m.add_function(wrap_pyfunction!(codec::decode, m)?)?;
    m.add_function(wrap_pyfunction!(codec::decode_data, m)?)?;
    m.add_function(wrap_pyfunction!(codec::encode, m)?)?;
    m.add_function(wrap_pyfunction!(logging::shutdown_logging, m)?)?;
    m.add_function(wrap_pyfunction!(logging::dropped_log_records, m)?)?;
    Ok(())
}
