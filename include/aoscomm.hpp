// aoscomm.hpp: header-only C++17 RAII wrapper over the C ABI of libaoscomm (include/aoscomm.h).
//
// Error model (decision): EXCEPTIONS. Every function in this header that can fail throws
// aoscomm::Error, which carries the aoscomm_result code (aoscomm::Result) and the library's
// last_error message for the calling thread (e.g. the JSON path and the rule an invalid `data`
// document broke). Destructors never throw: ~Client closes and frees the client, ~Config and
// ~OwnedEvent free their handle, and failures there are ignored.
//
// Conventions:
//  - std::string_view in, std::string out (copies). Event::*_view() accessors are the only
//    borrowed results: they are valid while the Event (or the callback call) lives.
//  - Timeouts are std::chrono::milliseconds, clamped to the C ABI's range (negative -> 0).
//  - Config, Client, OwnedEvent and MockCloud are move-only.
//  - Callbacks (event handler, signer, log handler) run on library threads. An exception that
//    escapes a callback is caught and swallowed at the C boundary (a signer exception makes the
//    signature fail). Inside an event handler only non-blocking calls are allowed (send,
//    is_connected, the Event accessors); blocking ones throw Error(Result::WouldDeadlock).
//  - The signer's std::function is shared (shared_ptr) by the Config and every Client made from
//    it, so it lives as long as the last of them.
//  - MockCloud (the in-process test cloud) is only declared when AOSCOMM_MOCK_CLOUD is defined
//    and the library was built with the `mock-cloud` feature.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" {
#include "aoscomm.h"
}

namespace aoscomm {

// aoscomm_result (explicit, never reused values), taken from the C header.
enum class Result : uint32_t {
  Ok = AOSCOMM_RESULT_OK,
  NullParameter = AOSCOMM_RESULT_NULL_PARAMETER,
  Panic = AOSCOMM_RESULT_PANIC,
  InvalidArgument = AOSCOMM_RESULT_INVALID_ARGUMENT,
  InvalidData = AOSCOMM_RESULT_INVALID_DATA,
  Config = AOSCOMM_RESULT_CONFIG,
  NotStarted = AOSCOMM_RESULT_NOT_STARTED,
  Closed = AOSCOMM_RESULT_CLOSED,
  QueueFull = AOSCOMM_RESULT_QUEUE_FULL,
  TooLarge = AOSCOMM_RESULT_TOO_LARGE,
  Timeout = AOSCOMM_RESULT_TIMEOUT,
  RequestFailed = AOSCOMM_RESULT_REQUEST_FAILED,
  BufferTooSmall = AOSCOMM_RESULT_BUFFER_TOO_SMALL,
  NotFound = AOSCOMM_RESULT_NOT_FOUND,
  WouldDeadlock = AOSCOMM_RESULT_WOULD_DEADLOCK,
  NoEvent = AOSCOMM_RESULT_NO_EVENT,
  Io = AOSCOMM_RESULT_IO,
};

enum class EventKind : uint32_t {
  Connected = AOSCOMM_EVENT_CONNECTED,
  Disconnected = AOSCOMM_EVENT_DISCONNECTED,
  ConnectFailed = AOSCOMM_EVENT_CONNECT_FAILED,
  Message = AOSCOMM_EVENT_MESSAGE,
  Delivery = AOSCOMM_EVENT_DELIVERY,
  Rejected = AOSCOMM_EVENT_REJECTED,
};

enum class DeliveryStatus : uint32_t { Pending = 0, Acked = 1, Failed = 2, Dropped = 3 };

enum class FailReason : uint32_t {
  None = 0,
  NoAck = 1,
  NackLimit = 2,
  RequestTimedOut = 3,
  Closed = 4,
  QueueOverflow = 5,
  Cancelled = 6,
};

enum class OverflowPolicy : uint32_t { RejectNew = 0, DropOldestNonImportant = 1 };

enum class LogLevel : uint32_t { Error = 1, Warn = 2, Info = 3, Debug = 4, Trace = 5 };

inline const char* to_string(Result r) noexcept {
  const char* n = aoscomm_result_name(static_cast<aoscomm_result>(static_cast<uint32_t>(r)));
  return n ? n : "AOSCOMM_RESULT_UNKNOWN";
}

// The library version, e.g. "0.1.0".
inline std::string version() {
  const char* v = aoscomm_version();
  return v ? std::string(v) : std::string();
}

// The calling thread's last error message.
inline std::string last_error() {
  size_t n = aoscomm_last_error(nullptr, 0);
  if (n == 0) return {};
  std::string s(n + 1, '\0');
  size_t m = aoscomm_last_error(s.data(), s.size());
  s.resize(std::min(n, m));
  return s;
}

class Error : public std::runtime_error {
 public:
  Error(Result code, std::string message, const char* function = "")
      : std::runtime_error(compose(code, message, function)),
        code_(code),
        message_(std::move(message)) {}
  Result code() const noexcept { return code_; }
  // The library's message alone (what() also names the function and the code).
  const std::string& message() const noexcept { return message_; }
  const char* code_name() const noexcept { return to_string(code_); }

 private:
  static std::string compose(Result code, const std::string& message, const char* function) {
    std::string s;
    if (function && *function) {
      s += function;
      s += ": ";
    }
    s += to_string(code);
    if (!message.empty()) {
      s += ": ";
      s += message;
    }
    return s;
  }
  Result code_;
  std::string message_;
};

namespace detail {

inline Result to_result(aoscomm_result r) noexcept { return static_cast<Result>(static_cast<uint32_t>(r)); }

inline void check(aoscomm_result r, const char* function) {
  Result res = to_result(r);
  if (res != Result::Ok) throw Error(res, last_error(), function);
}

inline uint32_t ms32(std::chrono::milliseconds d) noexcept {
  auto c = d.count();
  if (c <= 0) return 0;
  if (static_cast<unsigned long long>(c) > std::numeric_limits<uint32_t>::max())
    return std::numeric_limits<uint32_t>::max();
  return static_cast<uint32_t>(c);
}

inline uint64_t ms64(std::chrono::milliseconds d) noexcept {
  auto c = d.count();
  return c <= 0 ? 0 : static_cast<uint64_t>(c);
}

inline const uint8_t* bytes(std::string_view s) noexcept {
  return reinterpret_cast<const uint8_t*>(s.data());
}

inline std::string_view view(const char* p, size_t n) noexcept {
  return p ? std::string_view(p, n) : std::string_view();
}

}  // namespace detail

// A borrowed byte range (what std::span<const uint8_t> is in C++20).
class ByteView {
 public:
  ByteView(const uint8_t* data, size_t size) noexcept : data_(data), size_(size) {}
  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const uint8_t* begin() const noexcept { return data_; }
  const uint8_t* end() const noexcept { return data_ + size_; }
  uint8_t operator[](size_t i) const noexcept { return data_[i]; }

 private:
  const uint8_t* data_;
  size_t size_;
};

// Signs a TLS handshake: returns the signature, or std::nullopt to fail it.
using SignFunction = std::function<std::optional<std::vector<uint8_t>>(uint16_t scheme, ByteView message)>;

namespace detail {

struct SignerState {
  SignFunction fn;
};

extern "C" inline int aoscomm_cpp_sign_trampoline(void* userdata, uint16_t scheme, const uint8_t* message,
                                      size_t message_len, uint8_t* sig, size_t sig_cap,
                                      size_t* sig_len) {
  try {
    auto* st = static_cast<SignerState*>(userdata);
    if (!st || !st->fn || !sig || !sig_len) return 1;
    std::optional<std::vector<uint8_t>> out = st->fn(scheme, ByteView(message, message_len));
    if (!out || out->size() > sig_cap) return 1;
    std::copy(out->begin(), out->end(), sig);
    *sig_len = out->size();
    return 0;
  } catch (...) {
    return 1;
  }
}

}  // namespace detail

class Client;

class Config {
 public:
  Config() : raw_(aoscomm_config_new()) {
    if (!raw_) throw Error(Result::Panic, last_error(), "aoscomm_config_new");
  }
  ~Config() { aoscomm_config_free(raw_); }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;
  Config(Config&& o) noexcept : raw_(std::exchange(o.raw_, nullptr)), signer_(std::move(o.signer_)) {}
  Config& operator=(Config&& o) noexcept {
    if (this != &o) {
      aoscomm_config_free(raw_);
      raw_ = std::exchange(o.raw_, nullptr);
      signer_ = std::move(o.signer_);
    }
    return *this;
  }

  Config& service_discovery_url(std::string_view v) {
    detail::check(aoscomm_config_set_service_discovery_url(raw(), v.data(), v.size()),
                  "aoscomm_config_set_service_discovery_url");
    return *this;
  }
  Config& override_service_discovery_url(std::string_view v) {
    detail::check(aoscomm_config_set_override_service_discovery_url(raw(), v.data(), v.size()),
                  "aoscomm_config_set_override_service_discovery_url");
    return *this;
  }
  Config& system_id(std::string_view v) {
    detail::check(aoscomm_config_set_system_id(raw(), v.data(), v.size()), "aoscomm_config_set_system_id");
    return *this;
  }
  Config& ca_path(std::string_view path) {
    detail::check(aoscomm_config_set_ca_path(raw(), path.data(), path.size()), "aoscomm_config_set_ca_path");
    return *this;
  }
  Config& ca_pem(std::string_view pem) {
    detail::check(aoscomm_config_set_ca_pem(raw(), detail::bytes(pem), pem.size()), "aoscomm_config_set_ca_pem");
    return *this;
  }
  Config& cert_path(std::string_view path) {
    detail::check(aoscomm_config_set_cert_path(raw(), path.data(), path.size()), "aoscomm_config_set_cert_path");
    return *this;
  }
  Config& cert_pem(std::string_view pem) {
    detail::check(aoscomm_config_set_cert_pem(raw(), detail::bytes(pem), pem.size()),
                  "aoscomm_config_set_cert_pem");
    return *this;
  }
  Config& key_path(std::string_view path) {
    detail::check(aoscomm_config_set_key_path(raw(), path.data(), path.size()), "aoscomm_config_set_key_path");
    return *this;
  }
  Config& key_pem(std::string_view pem) {
    detail::check(aoscomm_config_set_key_pem(raw(), detail::bytes(pem), pem.size()), "aoscomm_config_set_key_pem");
    return *this;
  }
  Config& server_name(std::string_view v) {
    detail::check(aoscomm_config_set_server_name(raw(), v.data(), v.size()), "aoscomm_config_set_server_name");
    return *this;
  }
  Config& message_log_path(std::string_view path) {
    detail::check(aoscomm_config_set_message_log_path(raw(), path.data(), path.size()),
                  "aoscomm_config_set_message_log_path");
    return *this;
  }
  Config& message_log_timestamps(bool on) {
    detail::check(aoscomm_config_set_message_log_timestamps(raw(), on), "aoscomm_config_set_message_log_timestamps");
    return *this;
  }
  Config& response_timeout(std::chrono::milliseconds d) {
    detail::check(aoscomm_config_set_response_timeout_ms(raw(), detail::ms64(d)),
                  "aoscomm_config_set_response_timeout_ms");
    return *this;
  }
  Config& queue_max_messages(size_t n) {
    detail::check(aoscomm_config_set_queue_max_messages(raw(), n), "aoscomm_config_set_queue_max_messages");
    return *this;
  }
  Config& queue_max_bytes(size_t n) {
    detail::check(aoscomm_config_set_queue_max_bytes(raw(), n), "aoscomm_config_set_queue_max_bytes");
    return *this;
  }
  Config& overflow_policy(OverflowPolicy p) {
    detail::check(aoscomm_config_set_overflow_policy(raw(), static_cast<uint32_t>(p)),
                  "aoscomm_config_set_overflow_policy");
    return *this;
  }
  Config& max_in_flight(size_t n) {
    detail::check(aoscomm_config_set_max_in_flight(raw(), n), "aoscomm_config_set_max_in_flight");
    return *this;
  }
  Config& ping_interval(std::chrono::milliseconds d) {
    detail::check(aoscomm_config_set_ping_interval_ms(raw(), detail::ms64(d)),
                  "aoscomm_config_set_ping_interval_ms");
    return *this;
  }
  Config& dead_link_timeout(std::chrono::milliseconds d) {
    detail::check(aoscomm_config_set_dead_link_timeout_ms(raw(), detail::ms64(d)),
                  "aoscomm_config_set_dead_link_timeout_ms");
    return *this;
  }
  Config& reconnect_delay(std::chrono::milliseconds d) {
    detail::check(aoscomm_config_set_reconnect_delay_ms(raw(), detail::ms64(d)),
                  "aoscomm_config_set_reconnect_delay_ms");
    return *this;
  }
  // HSM signer: the certificate chain (PEM), the TLS SignatureScheme codes the key can do
  // (e.g. 0x0403 ecdsa_secp256r1_sha256) and the function that signs. `fn` runs on a library
  // thread during handshakes; it is kept alive by this Config and every Client made from it.
  Config& signer(std::string_view cert_chain_pem, const std::vector<uint16_t>& schemes, SignFunction fn) {
    auto st = std::make_shared<detail::SignerState>(detail::SignerState{std::move(fn)});
    detail::check(aoscomm_config_set_signer(raw(), detail::bytes(cert_chain_pem), cert_chain_pem.size(),
                                            schemes.data(), schemes.size(), &detail::aoscomm_cpp_sign_trampoline,
                                            st.get()),
                  "aoscomm_config_set_signer");
    signer_ = std::move(st);  // the previous signer stays alive in the clients that use it
    return *this;
  }

  // Escape hatches to the C API.
  aoscomm_config* raw() {
    if (!raw_) throw Error(Result::NullParameter, "use of a moved-from aoscomm::Config", "aoscomm::Config");
    return raw_;
  }
  const aoscomm_config* raw() const {
    if (!raw_) throw Error(Result::NullParameter, "use of a moved-from aoscomm::Config", "aoscomm::Config");
    return raw_;
  }

 private:
  friend class Client;
  aoscomm_config* raw_;
  std::shared_ptr<detail::SignerState> signer_;
};

struct Delivery {
  DeliveryStatus status = DeliveryStatus::Pending;
  FailReason reason = FailReason::None;
  uint32_t transmissions = 0;
  std::string txn;
};

namespace detail {
inline Delivery to_delivery(const aoscomm_delivery& d) {
  Delivery out;
  out.status = static_cast<DeliveryStatus>(d.status);
  out.reason = static_cast<FailReason>(d.reason);
  out.transmissions = d.transmissions;
  size_t n = 0;
  while (n < sizeof(d.txn) && d.txn[n] != '\0') ++n;
  out.txn.assign(d.txn, n);
  return out;
}
}  // namespace detail

// A borrowed view of an event: in an event handler it is valid for the call only.
class Event {
 public:
  explicit Event(const aoscomm_event* ev) noexcept : ev_(ev) {}
  EventKind kind() const noexcept { return static_cast<EventKind>(aoscomm_event_kind(ev_)); }
  // Copies.
  std::string text() const { return std::string(text_view()); }
  std::string data() const { return std::string(data_view()); }
  std::string txn() const { return std::string(txn_view()); }
  std::string message_type() const {
    const char* p = aoscomm_event_message_type(ev_);
    return p ? std::string(p) : std::string();
  }
  std::string error_kind() const {
    const char* p = aoscomm_event_error_kind(ev_);
    return p ? std::string(p) : std::string();
  }
  uint64_t message_id() const noexcept { return aoscomm_event_message_id(ev_); }
  // Only for EventKind::Delivery events; throws otherwise.
  Delivery delivery() const {
    aoscomm_delivery d{};
    detail::check(aoscomm_event_delivery(ev_, &d), "aoscomm_event_delivery");
    return detail::to_delivery(d);
  }
  // Borrowed (valid while this Event lives; inside a handler: for the call).
  std::string_view text_view() const noexcept {
    size_t n = 0;
    const char* p = aoscomm_event_text(ev_, &n);
    return detail::view(p, n);
  }
  std::string_view data_view() const noexcept {
    size_t n = 0;
    const char* p = aoscomm_event_data(ev_, &n);
    return detail::view(p, n);
  }
  std::string_view txn_view() const noexcept {
    size_t n = 0;
    const char* p = aoscomm_event_txn(ev_, &n);
    return detail::view(p, n);
  }
  const aoscomm_event* raw() const noexcept { return ev_; }

 protected:
  const aoscomm_event* ev_;
};

// An event taken from Client::next_event; owns (and frees) it.
class OwnedEvent : public Event {
 public:
  explicit OwnedEvent(aoscomm_event* ev) noexcept : Event(ev) {}
  ~OwnedEvent() { aoscomm_event_free(const_cast<aoscomm_event*>(ev_)); }
  OwnedEvent(const OwnedEvent&) = delete;
  OwnedEvent& operator=(const OwnedEvent&) = delete;
  OwnedEvent(OwnedEvent&& o) noexcept : Event(std::exchange(o.ev_, nullptr)) {}
  OwnedEvent& operator=(OwnedEvent&& o) noexcept {
    if (this != &o) {
      aoscomm_event_free(const_cast<aoscomm_event*>(ev_));
      ev_ = std::exchange(o.ev_, nullptr);
    }
    return *this;
  }
};

using EventHandler = std::function<void(const Event&)>;

namespace detail {
extern "C" inline void aoscomm_cpp_event_trampoline(void* userdata, const aoscomm_event* ev) {
  try {
    auto* h = static_cast<EventHandler*>(userdata);
    if (h && *h && ev) (*h)(Event(ev));
  } catch (...) {
    // never let an exception cross the C boundary
  }
}
}  // namespace detail

class Client {
 public:
  explicit Client(const Config& cfg) : signer_(cfg.signer_) {
    detail::check(aoscomm_client_new(cfg.raw(), &raw_), "aoscomm_client_new");
  }
  // Closes (without drain) and frees; no handler call after it returns. Never throws. Do not
  // destroy a Client from inside its own event handler (the library ignores that free).
  ~Client() { aoscomm_client_free(raw_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&& o) noexcept
      : raw_(std::exchange(o.raw_, nullptr)), handler_(std::move(o.handler_)), signer_(std::move(o.signer_)) {}
  Client& operator=(Client&& o) noexcept {
    if (this != &o) {
      aoscomm_client_free(raw_);
      raw_ = std::exchange(o.raw_, nullptr);
      handler_ = std::move(o.handler_);
      signer_ = std::move(o.signer_);
    }
    return *this;
  }

  // Must be called before start(). The handler runs on one library thread, never concurrently
  // with itself; exceptions it throws are swallowed.
  void on_event(EventHandler handler) {
    auto h = std::make_unique<EventHandler>(std::move(handler));
    detail::check(aoscomm_client_set_event_callback(raw(), &detail::aoscomm_cpp_event_trampoline, h.get()),
                  "aoscomm_client_set_event_callback");
    if (handler_) retired_.push_back(std::move(handler_));  // the library may still hold the old one
    handler_ = std::move(h);
  }

  void start() { detail::check(aoscomm_client_start(raw()), "aoscomm_client_start"); }

  // Validates and queues a `data` document; returns the message id. important: unset = the
  // type's default.
  uint64_t send(std::string_view data_json, std::optional<bool> important = {}) {
    int32_t imp = important ? (*important ? 1 : 0) : -1;
    uint64_t id = 0;
    detail::check(aoscomm_client_send(raw(), detail::bytes(data_json), data_json.size(), imp, &id),
                  "aoscomm_client_send");
    return id;
  }

  // The outcome of message `id`, waiting up to `wait` for it to settle. Returns a Pending
  // delivery when it is still pending after the wait; throws for an unknown id (NotFound).
  Delivery delivery(uint64_t id, std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    aoscomm_delivery d{};
    aoscomm_result r = aoscomm_client_delivery(raw(), id, detail::ms32(wait), &d);
    if (detail::to_result(r) == Result::Timeout)
      r = aoscomm_client_delivery(raw(), id, 0, &d);  // still pending: report its current state
    detail::check(r, "aoscomm_client_delivery");
    return detail::to_delivery(d);
  }

  // Sends a request (e.g. requestBlobUrls) and returns the correlated response's `data` JSON.
  // Throws Error(Result::RequestFailed) when it timed out or could not be delivered.
  std::string request(std::string_view data_json, std::chrono::milliseconds timeout) {
    aoscomm_buffer* buf = nullptr;
    detail::check(aoscomm_client_request(raw(), detail::bytes(data_json), data_json.size(),
                                         detail::ms32(timeout), &buf),
                  "aoscomm_client_request");
    std::unique_ptr<aoscomm_buffer, void (*)(aoscomm_buffer*)> guard(buf, &aoscomm_buffer_free);
    const uint8_t* p = aoscomm_buffer_data(buf);
    size_t n = aoscomm_buffer_len(buf);
    return p ? std::string(reinterpret_cast<const char*>(p), n) : std::string();
  }

  bool is_connected() const noexcept { return aoscomm_client_is_connected(raw_); }

  // The next queued event, or std::nullopt when none arrives within `timeout`.
  std::optional<OwnedEvent> next_event(std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    aoscomm_event* ev = nullptr;
    aoscomm_result r = aoscomm_client_next_event(raw(), detail::ms32(timeout), &ev);
    Result res = detail::to_result(r);
    if (res == Result::NoEvent || res == Result::Timeout) return std::nullopt;
    detail::check(r, "aoscomm_client_next_event");
    return OwnedEvent(ev);
  }

  // Readable while events are queued for next_event (for poll/epoll); owned by the client.
  int event_fd() const noexcept { return aoscomm_client_event_fd(raw_); }

  // Stops reconnecting, waits up to `drain` for held messages to be acked, closes; returns the
  // number of messages left undelivered. Idempotent.
  size_t close(std::chrono::milliseconds drain = std::chrono::milliseconds(0)) {
    size_t undelivered = 0;
    detail::check(aoscomm_client_close(raw(), detail::ms64(drain), &undelivered), "aoscomm_client_close");
    return undelivered;
  }

  aoscomm_client* raw() const {
    if (!raw_) throw Error(Result::NullParameter, "use of a moved-from aoscomm::Client", "aoscomm::Client");
    return raw_;
  }

 private:
  aoscomm_client* raw_ = nullptr;
  std::unique_ptr<EventHandler> handler_;
  std::vector<std::unique_ptr<EventHandler>> retired_;
  std::shared_ptr<detail::SignerState> signer_;
};

using LogHandler = std::function<void(LogLevel, std::string_view)>;

namespace detail {
struct LogState {
  std::mutex mu;
  std::shared_ptr<LogHandler> handler;
};
// Leaked on purpose: library threads may log during static destruction.
inline LogState& log_state() {
  static LogState* st = new LogState();
  return *st;
}
extern "C" inline void aoscomm_cpp_log_trampoline(void*, uint32_t level, const char* msg, size_t len) {
  try {
    std::shared_ptr<LogHandler> h;
    {
      std::lock_guard<std::mutex> g(log_state().mu);
      h = log_state().handler;
    }
    if (h && *h) (*h)(static_cast<LogLevel>(level), view(msg, len));
  } catch (...) {
  }
}
}  // namespace detail

// Routes the library's log records up to `max_level` to `handler` (process-wide; called on
// library threads). An empty handler removes it.
inline void set_log_handler(LogHandler handler, LogLevel max_level = LogLevel::Info) {
  auto& st = detail::log_state();
  if (!handler) {
    detail::check(aoscomm_set_log_callback(nullptr, nullptr, static_cast<uint32_t>(max_level)),
                  "aoscomm_set_log_callback");
    std::lock_guard<std::mutex> g(st.mu);
    st.handler.reset();
    return;
  }
  {
    std::lock_guard<std::mutex> g(st.mu);
    st.handler = std::make_shared<LogHandler>(std::move(handler));
  }
  detail::check(aoscomm_set_log_callback(&detail::aoscomm_cpp_log_trampoline, nullptr, static_cast<uint32_t>(max_level)),
                "aoscomm_set_log_callback");
}

#ifdef AOSCOMM_MOCK_CLOUD

enum class AckMode : uint32_t { AckAll = 0, AckNone = 1, NackAll = 2, NackFirstOnce = 3 };

// The in-process mock cloud (discovery + WSS with mTLS on 127.0.0.1), for tests.
class MockCloud {
 public:
  explicit MockCloud(std::string_view system_id) {
    detail::check(aoscomm_mock_cloud_start(system_id.data(), system_id.size(), &raw_), "aoscomm_mock_cloud_start");
  }
  ~MockCloud() { aoscomm_mock_cloud_free(raw_); }
  MockCloud(const MockCloud&) = delete;
  MockCloud& operator=(const MockCloud&) = delete;
  MockCloud(MockCloud&& o) noexcept : raw_(std::exchange(o.raw_, nullptr)) {}
  MockCloud& operator=(MockCloud&& o) noexcept {
    if (this != &o) {
      aoscomm_mock_cloud_free(raw_);
      raw_ = std::exchange(o.raw_, nullptr);
    }
    return *this;
  }

  // Points cfg at this cloud: discovery URL, system ID, CA, client certificate and key.
  Config& configure(Config& cfg) const {
    detail::check(aoscomm_mock_cloud_configure(raw_, cfg.raw()), "aoscomm_mock_cloud_configure");
    return cfg;
  }
  // "ca", "client_cert" or "client_key".
  std::string pem(const char* which) const {
    const char* p = aoscomm_mock_cloud_pem(raw_, which);
    return p ? std::string(p) : std::string();
  }
  // Sends a cloud->unit `data` document; returns its header.txn.
  std::string push(std::string_view data_json) {
    char txn[40] = {0};
    detail::check(aoscomm_mock_cloud_push(raw_, detail::bytes(data_json), data_json.size(), txn),
                  "aoscomm_mock_cloud_push");
    size_t n = 0;
    while (n < sizeof(txn) && txn[n] != '\0') ++n;
    return std::string(txn, n);
  }
  // retry_after: the retryAfter the nacks carry (modes NackAll and NackFirstOnce).
  void set_ack_mode(AckMode mode, std::chrono::milliseconds retry_after = std::chrono::milliseconds(0)) {
    detail::check(aoscomm_mock_cloud_set_ack_mode(raw_, static_cast<uint32_t>(mode),
                                                  static_cast<int64_t>(retry_after.count())),
                  "aoscomm_mock_cloud_set_ack_mode");
  }
  void answer_blob_requests(bool on) {
    detail::check(aoscomm_mock_cloud_answer_blob_requests(raw_, on), "aoscomm_mock_cloud_answer_blob_requests");
  }
  void drop_connection() {
    detail::check(aoscomm_mock_cloud_drop_connection(raw_), "aoscomm_mock_cloud_drop_connection");
  }
  // Frames received of that type (empty: all).
  size_t received(std::string_view message_type = {}) const {
    if (message_type.empty()) return aoscomm_mock_cloud_received(raw_, nullptr);
    std::string t(message_type);
    return aoscomm_mock_cloud_received(raw_, t.c_str());
  }
  size_t acks_from_unit() const noexcept { return aoscomm_mock_cloud_acks_from_unit(raw_); }
  bool wait_received(size_t n, std::chrono::milliseconds timeout) const noexcept {
    return aoscomm_mock_cloud_wait_received(raw_, n, detail::ms32(timeout));
  }
  bool wait_acks_from_unit(size_t n, std::chrono::milliseconds timeout) const noexcept {
    return aoscomm_mock_cloud_wait_acks_from_unit(raw_, n, detail::ms32(timeout));
  }
  aoscomm_mock_cloud* raw() const noexcept { return raw_; }

 private:
  aoscomm_mock_cloud* raw_ = nullptr;
};

#endif  // AOSCOMM_MOCK_CLOUD

}  // namespace aoscomm
