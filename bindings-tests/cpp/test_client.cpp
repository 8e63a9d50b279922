// GoogleTest suite of the C++ wrapper (aoscomm.hpp) over the installed libaoscomm, against the
// in-process mock cloud (real TLS + WebSocket on 127.0.0.1). Every wait is bounded: a condition
// variable fed by the event handler, the mock cloud's own bounded waits, or next_event timeouts.
#include <aoscomm.hpp>
#include <gtest/gtest.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ostream>
#include <mutex>
#include <string>
#include <vector>

#ifdef AOSCOMM_TEST_OPENSSL
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#endif

using namespace std::chrono_literals;
using aoscomm::DeliveryStatus;
using aoscomm::EventKind;
using aoscomm::Result;

namespace {

constexpr auto kWait = 10s;

struct Rec {
  EventKind kind;
  std::string text, data, type, txn, error_kind;
  uint64_t id = 0;
  std::optional<aoscomm::Delivery> delivery;
};

// Collects events from the handler; waits on a condition variable with a deadline.
class Collector {
 public:
  void add(const aoscomm::Event& e) {
    Rec r{e.kind(), e.text(), e.data(), e.message_type(), e.txn(), e.error_kind(), e.message_id(), {}};
    if (r.kind == EventKind::Delivery) r.delivery = e.delivery();
    {
      std::lock_guard<std::mutex> g(mu_);
      recs_.push_back(std::move(r));
    }
    cv_.notify_all();
  }
  template <class Pred>
  size_t count(Pred p) {
    std::lock_guard<std::mutex> g(mu_);
    return static_cast<size_t>(std::count_if(recs_.begin(), recs_.end(), p));
  }
  template <class Pred>
  std::optional<Rec> wait(Pred p, size_t nth = 1, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock<std::mutex> l(mu_);
    std::optional<Rec> found;
    cv_.wait_for(l, timeout, [&] {
      size_t n = 0;
      for (const auto& r : recs_)
        if (p(r) && ++n == nth) {
          found = r;
          return true;
        }
      return false;
    });
    return found;
  }
  std::optional<Rec> wait_kind(EventKind k, size_t nth = 1) {
    return wait([k](const Rec& r) { return r.kind == k; }, nth);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Rec> recs_;
};

class AosComm : public ::testing::Test {
 protected:
  aoscomm::Config make_config() {
    aoscomm::Config c;
    cloud.configure(c);
    c.response_timeout(1000ms).reconnect_delay(100ms);
    return c;
  }
  // A started client with the collector as its handler; waits for the connection.
  aoscomm::Client& start(bool wait_connected = true) {
    aoscomm::Config c = make_config();
    client = std::make_unique<aoscomm::Client>(c);
    client->on_event([this](const aoscomm::Event& e) { events.add(e); });
    client->start();
    if (wait_connected) {
      auto ev = events.wait_kind(EventKind::Connected);
      EXPECT_TRUE(ev.has_value()) << "no Connected event";
    }
    return *client;
  }

  aoscomm::MockCloud cloud{"unit-cpp-test"};
  Collector events;
  std::unique_ptr<aoscomm::Client> client;  // destroyed before the cloud
};

struct TypeCase {
  const char* type;
  const char* data;
};

void PrintTo(const TypeCase& c, std::ostream* os) { *os << c.type; }

std::string case_name(const ::testing::TestParamInfo<TypeCase>& i) { return i.param.type; }

// Small valid `data` documents (from aoscomm/tests/data/canonical).
const TypeCase kUnitToCloud[] = {
    {"alerts", R"({"messageType":"alerts","correlationId":"8d4e2b6f-9a1c-4f57-b3d0-2c7e9a5f1b84","items":[]})"},
    {"deprovisioningResponse",
     R"({"messageType":"deprovisioningResponse","correlationId":"4f7b0e3a-9d2c-4c85-b1e6-a8d3f6c9e012","node":{"codename":"aux-node-2"}})"},
    {"finishProvisioningResponse",
     R"({"messageType":"finishProvisioningResponse","correlationId":"c9f2b5e8-3a6d-4017-a4c0-f7e3b1d6a925","node":{"codename":"aux-node-2"}})"},
    {"installUnitCertificatesConfirmation",
     R"({"messageType":"installUnitCertificatesConfirmation","certificates":[{"type":"iam","node":{"codename":"aux-node-1"},"serial":"5c0a7e21"}]})"},
    {"issueUnitCertificates",
     R"({"messageType":"issueUnitCertificates","requests":[{"type":"iam","node":{"codename":"main-node"},"csr":"-----BEGIN CERTIFICATE REQUEST-----cHnb-----END CERTIFICATE REQUEST-----"}]})"},
    {"monitoringData", R"({"messageType":"monitoringData","nodes":[]})"},
    {"newState",
     R"({"messageType":"newState","correlationId":"7e5a1d3c-0f9b-4c62-a8e4-3b2d6f0c9a15","item":{"codename":"aos-updater"},"subject":{"codename":"system"},"instance":0,"stateChecksum":"","state":""})"},
    {"overrideEnvVarsStatus", R"({"messageType":"overrideEnvVarsStatus","statuses":[]})"},
    {"pushLog",
     R"({"messageType":"pushLog","node":{"codename":"aux-node-2"},"part":0,"partsCount":0,"content":"","status":"empty"})"},
    {"requestBlobUrls",
     R"({"messageType":"requestBlobUrls","correlationId":"a6b9d2e5-0f3c-4781-9d4a-e7c1f0b3a825","digests":["sha256:b07ff595ec1625c89a6a4a1761950aa991fe39388c487329858342b9c39acb1e"]})"},
    {"startProvisioningResponse",
     R"({"messageType":"startProvisioningResponse","node":{"codename":"aux-node-3"},"errorInfo":{"aosCode":2,"exitCode":0,"message":"TPM is not available"},"csrs":[{"type":"sm","csr":""}]})"},
    {"stateRequest",
     R"({"messageType":"stateRequest","item":{"id":"telemetry-collector"},"subject":{"id":"fleet-eu-west"},"instance":1,"default":true})"},
    {"unitStatus",
     R"({"messageType":"unitStatus","correlationId":"a19c4e7b-2f80-4d6a-9e31-b5c7d0f82e46","isDeltaInfo":true,"unitConfig":[{"state":"absent"}],"nodes":[]})"},
};

const TypeCase kCloudToUnit[] = {
    {"blobUrls",
     R"({"messageType":"blobUrls","correlationId":"a6b9d2e5-0f3c-4781-9d4a-e7c1f0b3a825","items":[{"digest":"sha256:db5ebaacdba8f6d848ed9301102ab2e2b54c1472a6085cbb95fd2e5c57299d1a","urls":[],"sha256":"","size":0}]})"},
    {"deprovisioningRequest",
     R"({"messageType":"deprovisioningRequest","correlationId":"4f7b0e3a-9d2c-4c85-b1e6-a8d3f6c9e012","node":{"codename":"aux-node-2"},"password":"Tr0ub4dor&3x"})"},
    {"desiredStatus",
     R"({"messageType":"desiredStatus","nodes":[{"item":{"codename":"main-node"},"state":"provisioned"}],"items":[],"instances":[],"subjects":[],"certificates":[],"certificateChains":[]})"},
    {"finishProvisioningRequest",
     R"({"messageType":"finishProvisioningRequest","node":{"codename":"aux-node-3"},"certificates":[],"password":""})"},
    {"issuedUnitCertificates",
     R"({"messageType":"issuedUnitCertificates","certificates":[{"type":"offline","node":{"codename":"aux-node-1"},"certificateChain":""}]})"},
    {"overrideEnvVars", R"({"messageType":"overrideEnvVars","items":[]})"},
    {"renewCertificatesNotification",
     R"({"messageType":"renewCertificatesNotification","correlationId":"9d3a6c0f-2e8b-4b17-a5d4-1f7c0e9b3a68","certificates":[],"unitSecrets":{"version":"","nodes":[]}})"},
    {"requestLog",
     R"({"messageType":"requestLog","logType":"systemLog","filter":{"nodeIds":[{"codename":"main-node"}]}})"},
    {"startProvisioningRequest",
     R"({"messageType":"startProvisioningRequest","node":{"codename":"aux-node-3"},"password":""})"},
    {"stateAcceptance",
     R"({"messageType":"stateAcceptance","item":{"id":"telemetry-collector"},"subject":{"id":"fleet-eu-west"},"instance":0,"checksum":"3bcc894c8d75113d1b09cb58c5bf885ded47c4998a4cbc21c698906896c5c425","result":"accepted","reason":""})"},
    {"updateState",
     R"({"messageType":"updateState","item":{"id":"map-renderer"},"subject":{"id":"fleet-eu-west"},"instance":3,"stateChecksum":"","state":""})"},
};

constexpr const char* kMonitoring = R"({"messageType":"monitoringData","nodes":[]})";

}  // namespace

TEST(Library, VersionAndResultNames) {
  EXPECT_FALSE(aoscomm::version().empty());
  EXPECT_STREQ(aoscomm::to_string(Result::InvalidData), "AOSCOMM_RESULT_INVALID_DATA");
}

TEST_F(AosComm, ConnectsToTheMockCloud) {
  auto& c = start();
  auto ev = events.wait_kind(EventKind::Connected);
  ASSERT_TRUE(ev);
  EXPECT_FALSE(ev->text.empty()) << "Connected carries the URL";
  EXPECT_TRUE(c.is_connected());
}

class SendEveryType : public AosComm, public ::testing::WithParamInterface<TypeCase> {};

TEST_P(SendEveryType, IsAcked) {
  auto& c = start();
  uint64_t id = c.send(GetParam().data);
  aoscomm::Delivery d = c.delivery(id, kWait);
  EXPECT_EQ(d.status, DeliveryStatus::Acked);
  EXPECT_EQ(d.reason, aoscomm::FailReason::None);
  EXPECT_GE(d.transmissions, 1u);
  EXPECT_FALSE(d.txn.empty());
  EXPECT_GE(cloud.received(GetParam().type), 1u);
  // The same outcome also arrives as a Delivery event.
  auto ev = events.wait([id](const Rec& r) { return r.kind == EventKind::Delivery && r.id == id; });
  ASSERT_TRUE(ev);
  ASSERT_TRUE(ev->delivery);
  EXPECT_EQ(ev->delivery->status, DeliveryStatus::Acked);
  EXPECT_EQ(ev->delivery->txn, d.txn);
}
INSTANTIATE_TEST_SUITE_P(UnitToCloud, SendEveryType, ::testing::ValuesIn(kUnitToCloud), case_name);

class ReceiveEveryType : public AosComm, public ::testing::WithParamInterface<TypeCase> {};

TEST_P(ReceiveEveryType, ArrivesThroughTheHandler) {
  auto& c = start();
  // Make sure the cloud side has registered the connection before it pushes.
  ASSERT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
  std::string type = GetParam().type;
  std::string txn = cloud.push(GetParam().data);
  EXPECT_FALSE(txn.empty());
  auto ev = events.wait([&](const Rec& r) { return r.kind == EventKind::Message && r.type == type; });
  ASSERT_TRUE(ev) << "no " << type << " message event";
  EXPECT_EQ(ev->txn, txn);
  EXPECT_NE(ev->data.find("\"messageType\":\"" + type + "\""), std::string::npos) << ev->data;
  EXPECT_NE(ev->text.find("\"header\""), std::string::npos) << "text is the whole envelope";
  EXPECT_TRUE(cloud.wait_acks_from_unit(1, kWait)) << "the unit acks the push";
}
INSTANTIATE_TEST_SUITE_P(CloudToUnit, ReceiveEveryType, ::testing::ValuesIn(kCloudToUnit), case_name);

TEST_F(AosComm, RequestGetsTheCorrelatedResponse) {
  cloud.answer_blob_requests(true);
  auto& c = start();
  std::string resp = c.request(kUnitToCloud[9].data, kWait);
  EXPECT_NE(resp.find("\"messageType\":\"blobUrls\""), std::string::npos) << resp;
  EXPECT_NE(resp.find("a6b9d2e5-0f3c-4781-9d4a-e7c1f0b3a825"), std::string::npos) << resp;
}

TEST_F(AosComm, UnansweredRequestThrowsRequestFailed) {
  cloud.answer_blob_requests(false);
  auto& c = start();
  try {
    c.request(kUnitToCloud[9].data, 300ms);
    FAIL() << "request returned";
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::RequestFailed) << e.what();
  }
  EXPECT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked) << "client still works";
}

TEST_F(AosComm, NackedMessageIsResentAndAcked) {
  cloud.set_ack_mode(aoscomm::AckMode::NackFirstOnce, 50ms);
  auto& c = start();
  uint64_t id = c.send(kMonitoring);
  aoscomm::Delivery d = c.delivery(id, kWait);
  EXPECT_EQ(d.status, DeliveryStatus::Acked);
  EXPECT_GE(d.transmissions, 2u);
  EXPECT_GE(cloud.received("monitoringData"), 2u);
}

TEST_F(AosComm, UnackedMessageFailsWithNoAckAfterTheResends) {
  cloud.set_ack_mode(aoscomm::AckMode::AckNone);
  aoscomm::Config cfg = make_config();
  cfg.response_timeout(200ms);
  aoscomm::Client c(cfg);
  c.start();
  uint64_t id = c.send(kMonitoring);
  aoscomm::Delivery d = c.delivery(id, kWait);
  EXPECT_EQ(d.status, DeliveryStatus::Failed);
  EXPECT_EQ(d.reason, aoscomm::FailReason::NoAck);
  EXPECT_GE(d.transmissions, 2u) << "resent before giving up";
  EXPECT_TRUE(cloud.wait_received(d.transmissions, kWait));
}

TEST_F(AosComm, CloseReportsUndeliveredMessages) {
  cloud.set_ack_mode(aoscomm::AckMode::AckNone);
  auto& c = start();
  uint64_t id = c.send(kMonitoring);
  EXPECT_TRUE(cloud.wait_received(1, kWait));
  EXPECT_EQ(c.close(0ms), 1u);
  aoscomm::Delivery d = c.delivery(id);
  EXPECT_EQ(d.status, DeliveryStatus::Failed);
  EXPECT_EQ(d.reason, aoscomm::FailReason::Closed);
}

TEST_F(AosComm, ReconnectsAfterTheCloudDropsTheConnection) {
  auto& c = start();
  // The client's Connected can precede the cloud registering the connection: an acked message
  // proves the cloud side is there before it is asked to drop it.
  ASSERT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
  cloud.drop_connection();
  ASSERT_TRUE(events.wait_kind(EventKind::Disconnected)) << "no Disconnected event";
  ASSERT_TRUE(events.wait_kind(EventKind::Connected, 2)) << "no second Connected event";
  EXPECT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
}

TEST_F(AosComm, InvalidDataThrowsAndTheClientKeepsWorking) {
  auto& c = start();
  try {
    c.send(R"({"messageType":"monitoringData","nodes":5})");
    FAIL() << "invalid data accepted";
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::InvalidData) << e.what();
    EXPECT_NE(e.message().find("nodes"), std::string::npos) << "message names the field: " << e.message();
    EXPECT_NE(std::string(e.what()).find("AOSCOMM_RESULT_INVALID_DATA"), std::string::npos) << e.what();
  }
  try {
    c.send("{not json");
    FAIL() << "malformed JSON accepted";
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::InvalidData) << e.what();
  }
  EXPECT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
  EXPECT_TRUE(c.is_connected());
}

TEST_F(AosComm, UnknownMessageIdThrowsNotFound) {
  auto& c = start();
  try {
    c.delivery(987654321, 0ms);
    FAIL();
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::NotFound) << e.what();
  }
}

TEST_F(AosComm, PollingWithNextEventAndEventFd) {
  aoscomm::Config cfg = make_config();
  aoscomm::Client c(cfg);  // no handler: poll only
  int fd = c.event_fd();
  ASSERT_GE(fd, 0);
  c.start();
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 10000), 1) << "event fd never became readable";
  std::optional<aoscomm::OwnedEvent> ev;
  for (int i = 0; i < 20 && !(ev && ev->kind() == EventKind::Connected); ++i) ev = c.next_event(500ms);
  ASSERT_TRUE(ev && ev->kind() == EventKind::Connected);
  uint64_t id = c.send(kMonitoring);
  bool delivered = false;
  for (int i = 0; i < 40 && !delivered; ++i) {
    auto e = c.next_event(250ms);
    if (e && e->kind() == EventKind::Delivery && e->message_id() == id) {
      EXPECT_EQ(e->delivery().status, DeliveryStatus::Acked);
      delivered = true;
    }
  }
  EXPECT_TRUE(delivered);
  // Move semantics: the moved-to event and client keep working.
  aoscomm::Client moved = std::move(c);
  EXPECT_TRUE(moved.is_connected());
  EXPECT_EQ(moved.delivery(moved.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
}

TEST_F(AosComm, BlockingCallFromTheHandlerThrowsWouldDeadlock) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result> seen;
  aoscomm::Config cfg = make_config();
  aoscomm::Client c(cfg);
  c.on_event([&](const aoscomm::Event& e) {
    if (e.kind() != EventKind::Connected) return;
    Result r = Result::Ok;
    try {
      c.request(kUnitToCloud[9].data, 1000ms);
    } catch (const aoscomm::Error& err) {
      r = err.code();
    }
    std::lock_guard<std::mutex> g(mu);
    seen = r;
    cv.notify_all();
  });
  c.start();
  std::unique_lock<std::mutex> l(mu);
  ASSERT_TRUE(cv.wait_for(l, kWait, [&] { return seen.has_value(); }));
  EXPECT_EQ(*seen, Result::WouldDeadlock);
}

TEST_F(AosComm, CloseDrainsAndLaterCallsThrowClosed) {
  auto& c = start();
  c.send(kMonitoring);
  EXPECT_EQ(c.close(5s), 0u);
  EXPECT_EQ(c.close(0ms), 0u) << "close is idempotent";
  try {
    c.send(kMonitoring);
    FAIL();
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::Closed) << e.what();
  }
}

TEST_F(AosComm, LogHandlerReceivesRecords) {
  // Shared state: a library thread may still run the old handler while it is being removed.
  struct Logs {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::pair<aoscomm::LogLevel, std::string>> recs;
  };
  auto logs = std::make_shared<Logs>();
  aoscomm::set_log_handler(
      [logs](aoscomm::LogLevel lvl, std::string_view msg) {
        std::lock_guard<std::mutex> g(logs->mu);
        logs->recs.emplace_back(lvl, std::string(msg));
        logs->cv.notify_all();
      },
      aoscomm::LogLevel::Trace);
  start();
  {
    std::unique_lock<std::mutex> l(logs->mu);
    EXPECT_TRUE(logs->cv.wait_for(l, kWait, [&] { return !logs->recs.empty(); })) << "no log record";
    for (auto& [lvl, msg] : logs->recs) {
      EXPECT_GE(static_cast<uint32_t>(lvl), 1u);
      EXPECT_LE(static_cast<uint32_t>(lvl), 5u);
      EXPECT_FALSE(msg.empty());
    }
  }
  aoscomm::set_log_handler(nullptr);
}

TEST_F(AosComm, ImportantMessagesWaitForStartOthersThrowNotStarted) {
  aoscomm::Config cfg = make_config();
  aoscomm::Client c(cfg);
  try {
    c.send(kMonitoring, false);
    FAIL() << "non-important message accepted before start";
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::NotStarted) << e.what();
  }
  uint64_t id = c.send(kMonitoring, true);
  EXPECT_EQ(c.delivery(id).status, DeliveryStatus::Pending);
  c.start();
  EXPECT_EQ(c.delivery(id, kWait).status, DeliveryStatus::Acked);
}

TEST_F(AosComm, ExceptionsInTheHandlerAreContained) {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  aoscomm::Config cfg = make_config();
  aoscomm::Client c(cfg);
  c.on_event([&](const aoscomm::Event&) {
    {
      std::lock_guard<std::mutex> g(mu);
      ++calls;
    }
    cv.notify_all();
    throw std::runtime_error("handler failure");
  });
  c.start();
  EXPECT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
  {
    // Connected + Delivery (the handler runs asynchronously to delivery()).
    std::unique_lock<std::mutex> l(mu);
    EXPECT_TRUE(cv.wait_for(l, kWait, [&] { return calls >= 2; })) << calls;
  }
  // The handler keeps being called, and the client keeps working.
  EXPECT_EQ(c.delivery(c.send(kMonitoring), kWait).status, DeliveryStatus::Acked);
  std::unique_lock<std::mutex> l(mu);
  EXPECT_TRUE(cv.wait_for(l, kWait, [&] { return calls >= 3; })) << calls;
  l.unlock();
  EXPECT_TRUE(c.is_connected());
  c.close(1s);
}

TEST_F(AosComm, BadConfigThrowsConfigError) {
  aoscomm::Config cfg;
  cfg.system_id("unit-cpp-test").service_discovery_url("https://127.0.0.1:1/").ca_pem("not a PEM");
  try {
    aoscomm::Client c(cfg);
    FAIL() << "client_new accepted a bad CA";
  } catch (const aoscomm::Error& e) {
    EXPECT_EQ(e.code(), Result::Config) << e.what();
  }
}

#ifdef AOSCOMM_TEST_OPENSSL
// An HSM-style signer (the key lives only in this closure). The Config is destroyed before the
// client starts: the client keeps the signer alive.
TEST_F(AosComm, SignerSignsTheHandshakeAndOutlivesTheConfig) {
  std::string key_pem = cloud.pem("client_key");
  std::string cert_pem = cloud.pem("client_cert");
  ASSERT_FALSE(key_pem.empty());
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  std::shared_ptr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr), EVP_PKEY_free);
  BIO_free(bio);
  ASSERT_TRUE(key);
  bool rsa = EVP_PKEY_base_id(key.get()) == EVP_PKEY_RSA;
  uint16_t scheme = rsa ? 0x0804 : 0x0403;
  auto calls = std::make_shared<std::atomic<int>>(0);
  {
    aoscomm::Config cfg = make_config();
    cfg.signer(cert_pem, {scheme}, [key, rsa, calls](uint16_t s, aoscomm::ByteView msg) {
      ++*calls;
      std::optional<std::vector<uint8_t>> out;
      EVP_MD_CTX* ctx = EVP_MD_CTX_new();
      EVP_PKEY_CTX* pctx = nullptr;
      size_t len = 0;
      if (EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, key.get()) == 1 &&
          (!rsa || (s == 0x0804 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
                    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, -1) > 0)) &&
          EVP_DigestSign(ctx, nullptr, &len, msg.data(), msg.size()) == 1) {
        std::vector<uint8_t> sig(len);
        if (EVP_DigestSign(ctx, sig.data(), &len, msg.data(), msg.size()) == 1) {
          sig.resize(len);
          out = std::move(sig);
        }
      }
      EVP_MD_CTX_free(ctx);
      return out;
    });
    client = std::make_unique<aoscomm::Client>(cfg);
  }
  client->on_event([this](const aoscomm::Event& e) { events.add(e); });
  client->start();
  auto ev = events.wait([](const Rec& r) {
    return r.kind == EventKind::Connected || r.kind == EventKind::ConnectFailed;
  });
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, EventKind::Connected) << ev->text << " " << ev->error_kind;
  EXPECT_GE(calls->load(), 1);
  EXPECT_EQ(client->delivery(client->send(kMonitoring), kWait).status, DeliveryStatus::Acked);
}

TEST_F(AosComm, FailingSignerGivesConnectFailed) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  aoscomm::Config cfg = make_config();
  std::string key_pem = cloud.pem("client_key");
  BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(key, nullptr);
  uint16_t scheme = EVP_PKEY_base_id(key) == EVP_PKEY_RSA ? 0x0804 : 0x0403;
  EVP_PKEY_free(key);
  cfg.signer(cloud.pem("client_cert"), {scheme}, [calls](uint16_t, aoscomm::ByteView) {
    ++*calls;
    return std::optional<std::vector<uint8_t>>();
  });
  client = std::make_unique<aoscomm::Client>(cfg);
  client->on_event([this](const aoscomm::Event& e) { events.add(e); });
  client->start();
  auto ev = events.wait_kind(EventKind::ConnectFailed);
  ASSERT_TRUE(ev) << "no ConnectFailed event";
  EXPECT_FALSE(ev->error_kind.empty());
  EXPECT_GE(calls->load(), 1);
  EXPECT_FALSE(client->is_connected());
}
#endif
