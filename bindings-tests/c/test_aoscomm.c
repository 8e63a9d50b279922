/* C tests of libaoscomm against the in-process mock cloud (library built with the `mock-cloud`
 * feature). Every wait is bounded; no sleep is used for synchronisation. Prints
 * "c tests: N passed, M failed" and exits non-zero on any failure.
 * Run a subset: test_aoscomm NAME... */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#define AOSCOMM_MOCK_CLOUD 1
#include "aoscomm.h"
#include "samples.h"

#define WAIT_MS 20000u
#define SYSTEM_ID "c-test-unit"

static int failures_in_test;

#define CHECK(cond)                                                                          \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      char err_[512];                                                                        \
      aoscomm_last_error(err_, sizeof err_);                                                 \
      fprintf(stderr, "  FAIL %s:%d: %s (last_error: %s)\n", __FILE__, __LINE__, #cond, err_); \
      failures_in_test++;                                                                    \
      goto out;                                                                              \
    }                                                                                        \
  } while (0)

#define CHECK_OK(expr)                                                                        \
  do {                                                                                        \
    aoscomm_result r_ = (expr);                                                               \
    if (r_ != AOSCOMM_RESULT_OK) {                                                            \
      char err_[512];                                                                         \
      aoscomm_last_error(err_, sizeof err_);                                                  \
      fprintf(stderr, "  FAIL %s:%d: %s = %s (%s)\n", __FILE__, __LINE__, #expr,             \
              aoscomm_result_name(r_), err_);                                                 \
      failures_in_test++;                                                                     \
      goto out;                                                                               \
    }                                                                                         \
  } while (0)

static size_t slen(const char *s) { return strlen(s); }

/* ---- fixtures ---------------------------------------------------------------------------- */

static aoscomm_mock_cloud *start_cloud(void) {
  aoscomm_mock_cloud *m = NULL;
  if (aoscomm_mock_cloud_start(SYSTEM_ID, slen(SYSTEM_ID), &m) != AOSCOMM_RESULT_OK) return NULL;
  return m;
}

static aoscomm_config *cloud_config(aoscomm_mock_cloud *m) {
  aoscomm_config *cfg = aoscomm_config_new();
  if (!cfg) return NULL;
  if (aoscomm_mock_cloud_configure(m, cfg) != AOSCOMM_RESULT_OK ||
      aoscomm_config_set_response_timeout_ms(cfg, 1000) != AOSCOMM_RESULT_OK) {
    aoscomm_config_free(cfg);
    return NULL;
  }
  return cfg;
}

static aoscomm_client *new_client(aoscomm_config *cfg) {
  aoscomm_client *c = NULL;
  if (aoscomm_client_new(cfg, &c) != AOSCOMM_RESULT_OK) return NULL;
  return c;
}

/* Takes events until one of `kind` arrives (returned, to free) or the wait runs out (NULL). */
static aoscomm_event *wait_kind(aoscomm_client *c, uint32_t kind, uint32_t timeout_ms) {
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long elapsed = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (elapsed >= (long)timeout_ms) return NULL;
    aoscomm_event *ev = NULL;
    aoscomm_result r = aoscomm_client_next_event(c, (uint32_t)(timeout_ms - elapsed), &ev);
    if (r != AOSCOMM_RESULT_OK) return NULL;
    if (aoscomm_event_kind(ev) == kind) return ev;
    aoscomm_event_free(ev);
  }
}

static int wait_connected(aoscomm_client *c) {
  aoscomm_event *ev = wait_kind(c, AOSCOMM_EVENT_CONNECTED, WAIT_MS);
  if (!ev) return 0;
  aoscomm_event_free(ev);
  return 1;
}

/* A started, connected client of a fresh mock cloud. */
typedef struct {
  aoscomm_mock_cloud *m;
  aoscomm_client *c;
} fixture;

static int fixture_up(fixture *f) {
  f->m = start_cloud();
  if (!f->m) return 0;
  aoscomm_config *cfg = cloud_config(f->m);
  if (!cfg) return 0;
  f->c = new_client(cfg);
  aoscomm_config_free(cfg);
  if (!f->c) return 0;
  if (aoscomm_client_start(f->c) != AOSCOMM_RESULT_OK) return 0;
  return wait_connected(f->c);
}

static void fixture_down(fixture *f) {
  aoscomm_client_free(f->c);
  aoscomm_mock_cloud_free(f->m);
}

static aoscomm_result send_str(aoscomm_client *c, const char *json, uint64_t *id) {
  return aoscomm_client_send(c, (const uint8_t *)json, slen(json), -1, id);
}

/* The mock has registered the connection once it acked a message on it (the client may see
   CONNECTED a moment before the mock has the connection in hand). */
static int sync_conn(fixture *f) {
  uint64_t id;
  aoscomm_delivery d;
  if (send_str(f->c, UNIT_TO_CLOUD[0].json, &id) != AOSCOMM_RESULT_OK) return 0;
  if (aoscomm_client_delivery(f->c, id, WAIT_MS, &d) != AOSCOMM_RESULT_OK) return 0;
  return d.status == 1;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void t_basics(void) {
  char buf[256];
  aoscomm_config *cfg = NULL;
  aoscomm_client *c = (aoscomm_client *)1;
  CHECK(strcmp(aoscomm_version(), AOSCOMM_VERSION) == 0);
  CHECK(strcmp(aoscomm_result_name(AOSCOMM_RESULT_WOULD_DEADLOCK), "AOSCOMM_RESULT_WOULD_DEADLOCK") == 0);
  CHECK(strcmp(aoscomm_result_name(999), "AOSCOMM_RESULT_UNKNOWN") == 0);
  /* NULL checks; out-parameters untouched on failure */
  CHECK(aoscomm_client_new(NULL, &c) == AOSCOMM_RESULT_NULL_PARAMETER);
  CHECK(c == (aoscomm_client *)1);
  size_t n = aoscomm_last_error(buf, sizeof buf);
  CHECK(n > 0 && strstr(buf, "NULL") != NULL);
  CHECK(aoscomm_last_error(NULL, 0) == n);
  CHECK(aoscomm_last_error(buf, 4) == n && strlen(buf) == 3); /* truncated, NUL-terminated */
  CHECK(aoscomm_client_start(NULL) == AOSCOMM_RESULT_NULL_PARAMETER);
  CHECK(!aoscomm_client_is_connected(NULL));
  CHECK(aoscomm_client_event_fd(NULL) == -1);
  CHECK(aoscomm_event_kind(NULL) == 0);
  aoscomm_client_free(NULL);
  aoscomm_config_free(NULL);
  aoscomm_event_free(NULL);
  aoscomm_buffer_free(NULL);
  aoscomm_mock_cloud_free(NULL);
  /* config validation */
  cfg = aoscomm_config_new();
  CHECK(cfg != NULL);
  CHECK(aoscomm_config_set_overflow_policy(cfg, 7) == AOSCOMM_RESULT_INVALID_ARGUMENT);
  CHECK(aoscomm_config_set_ping_interval_ms(cfg, 0) == AOSCOMM_RESULT_INVALID_ARGUMENT);
  CHECK(aoscomm_config_set_system_id(cfg, "\xff", 1) == AOSCOMM_RESULT_INVALID_ARGUMENT);
  CHECK(aoscomm_config_set_system_id(cfg, "x", 1) == AOSCOMM_RESULT_OK);
  c = NULL;
  CHECK(aoscomm_client_new(cfg, &c) == AOSCOMM_RESULT_CONFIG); /* no CA */
  CHECK(c == NULL);
  aoscomm_last_error(buf, sizeof buf);
  CHECK(strstr(buf, "CA") != NULL);
out:
  aoscomm_config_free(cfg);
}

static void t_connect_poll_eventfd(void) {
  fixture f = {0};
  aoscomm_event *ev = NULL;
  f.m = start_cloud();
  CHECK(f.m);
  aoscomm_config *cfg = cloud_config(f.m);
  CHECK(cfg);
  f.c = new_client(cfg);
  aoscomm_config_free(cfg);
  CHECK(f.c);
  int fd = aoscomm_client_event_fd(f.c);
  CHECK(fd >= 0);
  CHECK(aoscomm_client_next_event(f.c, 0, &ev) == AOSCOMM_RESULT_NO_EVENT);
  CHECK(ev == NULL);
  struct pollfd p = {.fd = fd, .events = POLLIN};
  CHECK(poll(&p, 1, 0) == 0); /* nothing queued: not readable */
  CHECK_OK(aoscomm_client_start(f.c));
  /* event loop: poll(2) on the eventfd, then take without waiting */
  int connected = 0;
  for (int i = 0; i < 100 && !connected; i++) {
    int pr = poll(&p, 1, (int)WAIT_MS);
    CHECK(pr == 1 && (p.revents & POLLIN));
    CHECK_OK(aoscomm_client_next_event(f.c, 0, &ev));
    if (aoscomm_event_kind(ev) == AOSCOMM_EVENT_CONNECTED) {
      size_t len = 0;
      const char *url = aoscomm_event_text(ev, &len);
      CHECK(url && len > 6 && strncmp(url, "wss://", 6) == 0);
      connected = 1;
    }
    aoscomm_event_free(ev);
    ev = NULL;
  }
  CHECK(connected);
  CHECK(aoscomm_client_is_connected(f.c));
  /* every event taken: the fd is not readable again */
  while (aoscomm_client_next_event(f.c, 0, &ev) == AOSCOMM_RESULT_OK) {
    aoscomm_event_free(ev);
    ev = NULL;
  }
  CHECK(poll(&p, 1, 0) == 0);
out:
  aoscomm_event_free(ev);
  fixture_down(&f);
}

static void t_send_every_type(void) {
  fixture f = {0};
  uint64_t ids[N_UNIT_TO_CLOUD];
  CHECK(fixture_up(&f));
  for (size_t i = 0; i < N_UNIT_TO_CLOUD; i++) CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[i].json, &ids[i]));
  for (size_t i = 0; i < N_UNIT_TO_CLOUD; i++) {
    aoscomm_delivery d;
    CHECK_OK(aoscomm_client_delivery(f.c, ids[i], WAIT_MS, &d));
    if (d.status != 1) fprintf(stderr, "  %s: status %u\n", UNIT_TO_CLOUD[i].type, d.status);
    CHECK(d.status == 1 && d.reason == 0 && d.transmissions == 1);
    CHECK(strlen(d.txn) == 36);
    CHECK(aoscomm_mock_cloud_received(f.m, UNIT_TO_CLOUD[i].type) == 1);
  }
  /* acks of the cloud's messages are sent by the library itself (none are ours here) */
  CHECK(aoscomm_mock_cloud_received(f.m, NULL) == N_UNIT_TO_CLOUD);
  aoscomm_delivery d;
  CHECK(aoscomm_client_delivery(f.c, 999999, 0, &d) == AOSCOMM_RESULT_NOT_FOUND);
  /* the DELIVERY events carry the same */
  size_t seen = 0;
  for (size_t i = 0; i < N_UNIT_TO_CLOUD; i++) {
    aoscomm_event *ev = wait_kind(f.c, AOSCOMM_EVENT_DELIVERY, WAIT_MS);
    CHECK(ev);
    aoscomm_delivery ed;
    aoscomm_result r = aoscomm_event_delivery(ev, &ed);
    int ok = r == AOSCOMM_RESULT_OK && ed.status == 1 && aoscomm_event_message_type(ev) &&
             aoscomm_event_message_id(ev) >= ids[0];
    aoscomm_event_free(ev);
    CHECK(ok);
    seen++;
  }
  CHECK(seen == N_UNIT_TO_CLOUD);
out:
  fixture_down(&f);
}

static void t_receive_every_type(void) {
  fixture f = {0};
  aoscomm_event *ev = NULL;
  CHECK(fixture_up(&f));
  for (size_t i = 0; i < N_CLOUD_TO_UNIT; i++) {
    char txn[40];
    CHECK_OK(aoscomm_mock_cloud_push(f.m, (const uint8_t *)CLOUD_TO_UNIT[i].json,
                                     slen(CLOUD_TO_UNIT[i].json), txn));
    ev = wait_kind(f.c, AOSCOMM_EVENT_MESSAGE, WAIT_MS);
    CHECK(ev);
    const char *mt = aoscomm_event_message_type(ev);
    CHECK(mt && strcmp(mt, CLOUD_TO_UNIT[i].type) == 0);
    size_t tl = 0, dl = 0, el = 0;
    const char *t = aoscomm_event_txn(ev, &tl);
    CHECK(t && tl == strlen(txn) && memcmp(t, txn, tl) == 0);
    const char *data = aoscomm_event_data(ev, &dl);
    CHECK(data && dl > 0 && strstr(data, CLOUD_TO_UNIT[i].type));
    const char *env = aoscomm_event_text(ev, &el);
    CHECK(env && strstr(env, "\"header\"") && strstr(env, SYSTEM_ID));
    aoscomm_event_free(ev);
    ev = NULL;
  }
  CHECK(aoscomm_mock_cloud_wait_acks_from_unit(f.m, N_CLOUD_TO_UNIT, WAIT_MS));
  CHECK(aoscomm_mock_cloud_acks_from_unit(f.m) == N_CLOUD_TO_UNIT);
out:
  aoscomm_event_free(ev);
  fixture_down(&f);
}

static void t_request_response(void) {
  fixture f = {0};
  aoscomm_buffer *b = NULL;
  const char *req = NULL;
  for (size_t i = 0; i < N_UNIT_TO_CLOUD; i++)
    if (strcmp(UNIT_TO_CLOUD[i].type, "requestBlobUrls") == 0) req = UNIT_TO_CLOUD[i].json;
  CHECK(req);
  CHECK(fixture_up(&f));
  CHECK_OK(aoscomm_mock_cloud_answer_blob_requests(f.m, true));
  CHECK_OK(aoscomm_client_request(f.c, (const uint8_t *)req, slen(req), 10000, &b));
  const char *data = (const char *)aoscomm_buffer_data(b);
  CHECK(aoscomm_buffer_len(b) > 0 && strstr(data, "\"blobUrls\"") && strstr(data, "f0d6b3a8-5e1c"));
  aoscomm_buffer_free(b);
  b = NULL;
  /* unanswered: REQUEST_FAILED after the timeout */
  CHECK_OK(aoscomm_mock_cloud_answer_blob_requests(f.m, false));
  const char *req2 = "{\"messageType\":\"requestBlobUrls\",\"digests\":[\"sha256:00\"]}";
  CHECK(aoscomm_client_request(f.c, (const uint8_t *)req2, slen(req2), 300, &b) == AOSCOMM_RESULT_REQUEST_FAILED);
  CHECK(b == NULL);
out:
  aoscomm_buffer_free(b);
  fixture_down(&f);
}

static void t_nack_and_resend(void) {
  fixture f = {0};
  uint64_t id;
  CHECK(fixture_up(&f));
  CHECK_OK(aoscomm_mock_cloud_set_ack_mode(f.m, 3, 10));
  CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[0].json, &id));
  aoscomm_delivery d;
  CHECK_OK(aoscomm_client_delivery(f.c, id, WAIT_MS, &d));
  CHECK(d.status == 1 && d.transmissions == 2);
  CHECK(aoscomm_mock_cloud_received(f.m, UNIT_TO_CLOUD[0].type) == 2);
out:
  fixture_down(&f);
}

/* The message log with timestamps: "<time> TX: <json>" then "<time> RX: <ack>". */
static void t_message_log(void) {
  aoscomm_mock_cloud *m = start_cloud();
  aoscomm_config *cfg = NULL;
  aoscomm_client *c = NULL;
  FILE *f = NULL;
  char path[64], line[4096];
  snprintf(path, sizeof path, "/tmp/aoscomm-c-test-%d.log", (int)getpid());
  unlink(path);
  CHECK(m != NULL);
  cfg = cloud_config(m);
  CHECK(cfg != NULL);
  CHECK_OK(aoscomm_config_set_message_log_path(cfg, path, slen(path)));
  CHECK_OK(aoscomm_config_set_message_log_timestamps(cfg, true));
  CHECK(aoscomm_config_set_message_log_timestamps(NULL, true) == AOSCOMM_RESULT_NULL_PARAMETER);
  c = new_client(cfg);
  CHECK(c != NULL);
  CHECK_OK(aoscomm_client_start(c));
  uint64_t id;
  aoscomm_delivery d;
  CHECK_OK(send_str(c, UNIT_TO_CLOUD[0].json, &id));
  CHECK_OK(aoscomm_client_delivery(c, id, WAIT_MS, &d));
  CHECK(d.status == 1);
  aoscomm_client_free(c);
  c = NULL;
  f = fopen(path, "r");
  CHECK(f != NULL);
  CHECK(fgets(line, sizeof line, f) != NULL);
  CHECK(strlen(line) > 32 && line[4] == '-' && line[10] == 'T' && strncmp(line + 26, "Z TX: {", 7) == 0);
  CHECK(fgets(line, sizeof line, f) != NULL);
  CHECK(strncmp(line + 26, "Z RX: {", 7) == 0 && strstr(line, "\"messageType\":\"ack\"") != NULL);
out:
  if (f) fclose(f);
  unlink(path);
  aoscomm_client_free(c);
  aoscomm_config_free(cfg);
  aoscomm_mock_cloud_free(m);
}

static void t_reconnect(void) {
  fixture f = {0};
  aoscomm_event *ev = NULL;
  CHECK(fixture_up(&f));
  CHECK(sync_conn(&f));
  CHECK_OK(aoscomm_mock_cloud_drop_connection(f.m));
  ev = wait_kind(f.c, AOSCOMM_EVENT_DISCONNECTED, WAIT_MS);
  CHECK(ev);
  size_t len = 0;
  CHECK(aoscomm_event_text(ev, &len) && len > 0);
  aoscomm_event_free(ev);
  ev = NULL;
  CHECK(wait_connected(f.c));
  /* and it works after the reconnect */
  uint64_t id;
  CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[1].json, &id));
  aoscomm_delivery d;
  CHECK_OK(aoscomm_client_delivery(f.c, id, WAIT_MS, &d));
  CHECK(d.status == 1);
out:
  aoscomm_event_free(ev);
  fixture_down(&f);
}

/* ---- callback ---- */

typedef struct {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t thread;
  int thread_set;
  int other_thread;
  int connected;
  int deliveries;
  int events;
  /* results of calls made inside the callback */
  int probed;
  aoscomm_result r_close, r_request, r_next, r_delivery_wait, r_delivery_nowait, r_send;
  aoscomm_client *client;
} cb_state;

static void on_event(void *ud, const aoscomm_event *ev) {
  cb_state *s = ud;
  pthread_mutex_lock(&s->mu);
  if (!s->thread_set) {
    s->thread = pthread_self();
    s->thread_set = 1;
  } else if (!pthread_equal(s->thread, pthread_self())) {
    s->other_thread = 1;
  }
  s->events++;
  uint32_t k = aoscomm_event_kind(ev);
  if (k == AOSCOMM_EVENT_CONNECTED) s->connected++;
  if (k == AOSCOMM_EVENT_DELIVERY) s->deliveries++;
  pthread_mutex_unlock(&s->mu);
  if (k == AOSCOMM_EVENT_CONNECTED && s->client && !s->probed) {
    aoscomm_event *e = NULL;
    aoscomm_buffer *b = NULL;
    aoscomm_delivery d;
    uint64_t id = 0;
    const char *req = "{\"messageType\":\"requestBlobUrls\",\"digests\":[\"sha256:00\"]}";
    s->r_close = aoscomm_client_close(s->client, 0, NULL);
    s->r_request = aoscomm_client_request(s->client, (const uint8_t *)req, slen(req), 100, &b);
    s->r_next = aoscomm_client_next_event(s->client, 100, &e);
    s->r_send = send_str(s->client, UNIT_TO_CLOUD[0].json, &id);
    s->r_delivery_wait = aoscomm_client_delivery(s->client, id, 100, &d);
    s->r_delivery_nowait = aoscomm_client_delivery(s->client, id, 0, &d);
    aoscomm_client_free(s->client); /* ignored inside a callback */
    pthread_mutex_lock(&s->mu);
    s->probed = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
  }
  pthread_mutex_lock(&s->mu);
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

/* waits (bounded) until *field >= n */
static int cb_wait(cb_state *s, int *field, int n) {
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += WAIT_MS / 1000;
  pthread_mutex_lock(&s->mu);
  int rc = 0;
  while (*field < n && rc == 0) rc = pthread_cond_timedwait(&s->cv, &s->mu, &dl);
  int ok = *field >= n;
  pthread_mutex_unlock(&s->mu);
  return ok;
}

static void t_event_callback(void) {
  fixture f = {0};
  cb_state s = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  f.m = start_cloud();
  CHECK(f.m);
  aoscomm_config *cfg = cloud_config(f.m);
  CHECK(cfg);
  f.c = new_client(cfg);
  aoscomm_config_free(cfg);
  CHECK(f.c);
  CHECK_OK(aoscomm_client_set_event_callback(f.c, on_event, &s));
  CHECK_OK(aoscomm_client_start(f.c));
  CHECK(cb_wait(&s, &s.connected, 1));
  uint64_t id;
  for (int i = 0; i < 5; i++) CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[i].json, &id));
  CHECK(cb_wait(&s, &s.deliveries, 5));
  /* the poll queue saw the same events, independently */
  aoscomm_event *ev = wait_kind(f.c, AOSCOMM_EVENT_CONNECTED, WAIT_MS);
  CHECK(ev);
  aoscomm_event_free(ev);
  CHECK_OK(aoscomm_client_close(f.c, 1000, NULL));
  pthread_mutex_lock(&s.mu);
  int after_close = s.events;
  int other = s.other_thread;
  int on_main = s.thread_set && pthread_equal(s.thread, pthread_self());
  pthread_mutex_unlock(&s.mu);
  CHECK(!other && !on_main);
  CHECK_OK(aoscomm_client_close(f.c, 0, NULL)); /* idempotent */
  pthread_mutex_lock(&s.mu);
  int later = s.events;
  pthread_mutex_unlock(&s.mu);
  CHECK(later == after_close);
  /* after close: send refused, next_event drains then CLOSED */
  CHECK(send_str(f.c, UNIT_TO_CLOUD[0].json, &id) == AOSCOMM_RESULT_CLOSED);
  aoscomm_event *e2 = NULL;
  aoscomm_result r;
  while ((r = aoscomm_client_next_event(f.c, 100, &e2)) == AOSCOMM_RESULT_OK) aoscomm_event_free(e2);
  CHECK(r == AOSCOMM_RESULT_CLOSED);
out:
  fixture_down(&f);
}

static void t_would_deadlock(void) {
  fixture f = {0};
  cb_state s = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  f.m = start_cloud();
  CHECK(f.m);
  aoscomm_config *cfg = cloud_config(f.m);
  CHECK(cfg);
  f.c = new_client(cfg);
  aoscomm_config_free(cfg);
  CHECK(f.c);
  s.client = f.c;
  CHECK_OK(aoscomm_client_set_event_callback(f.c, on_event, &s));
  CHECK_OK(aoscomm_client_start(f.c));
  CHECK(cb_wait(&s, &s.probed, 1));
  CHECK(s.r_close == AOSCOMM_RESULT_WOULD_DEADLOCK);
  CHECK(s.r_request == AOSCOMM_RESULT_WOULD_DEADLOCK);
  CHECK(s.r_next == AOSCOMM_RESULT_WOULD_DEADLOCK);
  CHECK(s.r_delivery_wait == AOSCOMM_RESULT_WOULD_DEADLOCK);
  CHECK(s.r_send == AOSCOMM_RESULT_OK);
  CHECK(s.r_delivery_nowait == AOSCOMM_RESULT_OK);
  /* the client survived the free attempted inside the callback */
  CHECK(aoscomm_client_is_connected(f.c) || wait_connected(f.c));
  CHECK(cb_wait(&s, &s.deliveries, 1));
out:
  fixture_down(&f);
}

/* ---- log callback ---- */

static atomic_int log_records;
static atomic_int log_bad;

static void on_log(void *ud, uint32_t level, const char *msg, size_t len) {
  (void)ud;
  if (level < AOSCOMM_LOG_ERROR || level > AOSCOMM_LOG_DEBUG || !msg || strlen(msg) != len) atomic_fetch_add(&log_bad, 1);
  atomic_fetch_add(&log_records, 1);
}

static void t_log_callback(void) {
  fixture f = {0};
  CHECK(aoscomm_set_log_callback(on_log, NULL, 9) == AOSCOMM_RESULT_INVALID_ARGUMENT);
  CHECK_OK(aoscomm_set_log_callback(on_log, NULL, AOSCOMM_LOG_DEBUG));
  CHECK(fixture_up(&f));
  /* a dropped connection and the reconnect are logged */
  CHECK(sync_conn(&f));
  CHECK_OK(aoscomm_mock_cloud_drop_connection(f.m));
  CHECK(wait_connected(f.c));
  CHECK(atomic_load(&log_records) > 0);
  CHECK(atomic_load(&log_bad) == 0);
out:
  aoscomm_set_log_callback(NULL, NULL, 0);
  int n = atomic_load(&log_records);
  fixture_down(&f);
  (void)n;
}

/* ---- signer: OpenSSL signs with the mock's client key inside the callback ---- */

typedef struct {
  EVP_PKEY *key;
  atomic_int calls;
  atomic_int bad_scheme;
} signer_state;

static int on_sign(void *ud, uint16_t scheme, const uint8_t *msg, size_t msg_len, uint8_t *sig,
                   size_t sig_cap, size_t *sig_len) {
  signer_state *s = ud;
  atomic_fetch_add(&s->calls, 1);
  if (scheme != 0x0403) {
    atomic_fetch_add(&s->bad_scheme, 1);
    return 1;
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  size_t len = sig_cap;
  int ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->key) == 1 &&
           EVP_DigestSign(ctx, sig, &len, msg, msg_len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return 2;
  *sig_len = len;
  return 0;
}

static void t_signer(void) {
  fixture f = {0};
  signer_state s = {0};
  aoscomm_config *cfg = NULL;
  f.m = start_cloud();
  CHECK(f.m);
  const char *key_pem = aoscomm_mock_cloud_pem(f.m, "client_key");
  const char *cert_pem = aoscomm_mock_cloud_pem(f.m, "client_cert");
  CHECK(key_pem && cert_pem && aoscomm_mock_cloud_pem(f.m, "ca"));
  CHECK(aoscomm_mock_cloud_pem(f.m, "nope") == NULL);
  BIO *bio = BIO_new_mem_buf(key_pem, -1);
  s.key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
  BIO_free(bio);
  CHECK(s.key);
  cfg = cloud_config(f.m);
  CHECK(cfg);
  uint16_t schemes[] = {0x0403};
  uint16_t bad[] = {0x0403, 0x0804};
  CHECK(aoscomm_config_set_signer(cfg, (const uint8_t *)cert_pem, slen(cert_pem), bad, 2, on_sign, &s) ==
        AOSCOMM_RESULT_INVALID_ARGUMENT); /* mixed key algorithms */
  CHECK(aoscomm_config_set_signer(cfg, (const uint8_t *)cert_pem, slen(cert_pem), schemes, 1, NULL, &s) ==
        AOSCOMM_RESULT_NULL_PARAMETER);
  CHECK_OK(aoscomm_config_set_signer(cfg, (const uint8_t *)cert_pem, slen(cert_pem), schemes, 1, on_sign, &s));
  f.c = new_client(cfg);
  CHECK(f.c);
  CHECK_OK(aoscomm_client_start(f.c));
  CHECK(wait_connected(f.c));
  CHECK(atomic_load(&s.calls) >= 1);
  CHECK(atomic_load(&s.bad_scheme) == 0);
  uint64_t id;
  CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[2].json, &id));
  aoscomm_delivery d;
  CHECK_OK(aoscomm_client_delivery(f.c, id, WAIT_MS, &d));
  CHECK(d.status == 1);
out:
  aoscomm_config_free(cfg);
  fixture_down(&f);
  EVP_PKEY_free(s.key);
}

static void t_bad_json(void) {
  fixture f = {0};
  char err[512];
  uint64_t id = 77;
  CHECK(fixture_up(&f));
  const char *bad = "{\"messageType\":\"alerts\",\"items\":[{\"timestamp\":\"2025-06-12T08:14:03Z\",\"tag\":\"systemAlert\"}]}";
  CHECK(send_str(f.c, bad, &id) == AOSCOMM_RESULT_INVALID_DATA);
  CHECK(id == 77);
  aoscomm_last_error(err, sizeof err);
  CHECK(strstr(err, "data.items[0]") != NULL);
  CHECK(send_str(f.c, "{not json", &id) == AOSCOMM_RESULT_INVALID_DATA);
  CHECK(send_str(f.c, "{\"messageType\":\"bogus\"}", &id) == AOSCOMM_RESULT_INVALID_DATA);
  aoscomm_last_error(err, sizeof err);
  CHECK(strstr(err, "messageType") != NULL);
  CHECK(aoscomm_client_send(f.c, (const uint8_t *)UNIT_TO_CLOUD[0].json, slen(UNIT_TO_CLOUD[0].json), 5, &id) ==
        AOSCOMM_RESULT_INVALID_ARGUMENT);
  CHECK(aoscomm_client_send(f.c, (const uint8_t *)"{}", 2, -1, NULL) == AOSCOMM_RESULT_NULL_PARAMETER);
  /* still works */
  CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[0].json, &id));
  aoscomm_delivery d;
  CHECK_OK(aoscomm_client_delivery(f.c, id, WAIT_MS, &d));
  CHECK(d.status == 1);
  CHECK(aoscomm_client_is_connected(f.c));
out:
  fixture_down(&f);
}

static void t_not_started(void) {
  aoscomm_mock_cloud *m = start_cloud();
  aoscomm_client *c = NULL;
  uint64_t id;
  size_t undelivered = 99;
  CHECK(m);
  aoscomm_config *cfg = cloud_config(m);
  CHECK(cfg);
  c = new_client(cfg);
  aoscomm_config_free(cfg);
  CHECK(c);
  /* unitStatus is not important: refused before start; alerts is: queued */
  const char *us = NULL;
  for (size_t i = 0; i < N_UNIT_TO_CLOUD; i++)
    if (strcmp(UNIT_TO_CLOUD[i].type, "unitStatus") == 0) us = UNIT_TO_CLOUD[i].json;
  CHECK(us);
  CHECK(send_str(c, us, &id) == AOSCOMM_RESULT_NOT_STARTED);
  CHECK_OK(send_str(c, UNIT_TO_CLOUD[0].json, &id));
  CHECK_OK(aoscomm_client_close(c, 0, &undelivered));
  CHECK(undelivered == 1);
  aoscomm_delivery d;
  CHECK_OK(aoscomm_client_delivery(c, id, 0, &d));
  CHECK(d.status == 2 && d.reason == 4);
  CHECK(aoscomm_client_start(c) == AOSCOMM_RESULT_CLOSED);
out:
  aoscomm_client_free(c);
  aoscomm_mock_cloud_free(m);
}

static void t_pending_and_timeout(void) {
  fixture f = {0};
  uint64_t id;
  aoscomm_delivery d;
  CHECK(fixture_up(&f));
  CHECK_OK(aoscomm_mock_cloud_set_ack_mode(f.m, 1, 0)); /* the cloud never answers */
  CHECK_OK(send_str(f.c, UNIT_TO_CLOUD[0].json, &id));
  memset(&d, 0xAB, sizeof d);
  CHECK_OK(aoscomm_client_delivery(f.c, id, 0, &d));
  CHECK(d.status == 0 && strlen(d.txn) == 36);
  aoscomm_delivery before = d;
  CHECK(aoscomm_client_delivery(f.c, id, 50, &d) == AOSCOMM_RESULT_TIMEOUT);
  CHECK(memcmp(&before, &d, sizeof d) == 0); /* untouched on failure */
  size_t undelivered = 0;
  CHECK_OK(aoscomm_client_close(f.c, 0, &undelivered));
  CHECK(undelivered == 1);
  CHECK_OK(aoscomm_client_delivery(f.c, id, 0, &d));
  CHECK(d.status == 2 && d.reason == 4 && d.transmissions >= 1);
out:
  fixture_down(&f);
}

static void t_connect_failed_untrusted(void) {
  aoscomm_mock_cloud *a = start_cloud(), *b = start_cloud();
  aoscomm_client *c = NULL;
  aoscomm_config *cfg = NULL;
  aoscomm_event *ev = NULL;
  CHECK(a && b);
  cfg = cloud_config(a);
  CHECK(cfg);
  const char *other_ca = aoscomm_mock_cloud_pem(b, "ca");
  CHECK_OK(aoscomm_config_set_ca_pem(cfg, (const uint8_t *)other_ca, slen(other_ca)));
  c = new_client(cfg);
  CHECK(c);
  CHECK_OK(aoscomm_client_start(c));
  ev = wait_kind(c, AOSCOMM_EVENT_CONNECT_FAILED, WAIT_MS);
  CHECK(ev);
  const char *kind = aoscomm_event_error_kind(ev);
  size_t len = 0;
  CHECK(aoscomm_event_text(ev, &len) && len > 0);
  if (!kind || strcmp(kind, "untrusted_server") != 0) fprintf(stderr, "  error_kind: %s\n", kind ? kind : "(null)");
  CHECK(kind && strcmp(kind, "untrusted_server") == 0);
  CHECK(aoscomm_event_message_type(ev) == NULL && aoscomm_event_data(ev, NULL) == NULL);
  aoscomm_delivery d;
  CHECK(aoscomm_event_delivery(ev, &d) == AOSCOMM_RESULT_INVALID_ARGUMENT);
  CHECK(!aoscomm_client_is_connected(c));
out:
  aoscomm_event_free(ev);
  aoscomm_config_free(cfg);
  aoscomm_client_free(c);
  aoscomm_mock_cloud_free(a);
  aoscomm_mock_cloud_free(b);
}

/* ---- stress: 8 senders while another thread closes ---- */

typedef struct {
  aoscomm_client *c;
  atomic_int sent;
  atomic_int bad_result;
  atomic_int close_returned;
  atomic_int cb_after_close;
  atomic_int cb_count;
} stress_state;

static void stress_cb(void *ud, const aoscomm_event *ev) {
  stress_state *s = ud;
  (void)ev;
  if (atomic_load(&s->close_returned)) atomic_fetch_add(&s->cb_after_close, 1);
  atomic_fetch_add(&s->cb_count, 1);
}

static void *stress_sender(void *arg) {
  stress_state *s = arg;
  for (int i = 0; i < 100000; i++) {
    uint64_t id;
    aoscomm_result r = send_str(s->c, UNIT_TO_CLOUD[i % N_UNIT_TO_CLOUD].json, &id);
    if (r == AOSCOMM_RESULT_CLOSED) break;
    if (r == AOSCOMM_RESULT_OK) {
      atomic_fetch_add(&s->sent, 1);
      aoscomm_delivery d;
      if (aoscomm_client_delivery(s->c, id, 0, &d) != AOSCOMM_RESULT_OK) atomic_fetch_add(&s->bad_result, 1);
    } else if (r != AOSCOMM_RESULT_QUEUE_FULL) {
      atomic_fetch_add(&s->bad_result, 1);
    }
  }
  return NULL;
}

static void *stress_closer(void *arg) {
  stress_state *s = arg;
  /* close once the senders are going (bounded: at most 10000 polls of the counter) */
  for (int i = 0; i < 10000 && atomic_load(&s->sent) < 400; i++) {
    sched_yield();
  }
  size_t undelivered = 0;
  if (aoscomm_client_close(s->c, 0, &undelivered) != AOSCOMM_RESULT_OK) atomic_fetch_add(&s->bad_result, 1);
  atomic_store(&s->close_returned, 1);
  return NULL;
}

static void t_stress_close(void) {
  fixture f = {0};
  stress_state s = {0};
  f.m = start_cloud();
  CHECK(f.m);
  aoscomm_config *cfg = cloud_config(f.m);
  CHECK(cfg);
  f.c = new_client(cfg);
  aoscomm_config_free(cfg);
  CHECK(f.c);
  s.c = f.c;
  CHECK_OK(aoscomm_client_set_event_callback(f.c, stress_cb, &s));
  CHECK_OK(aoscomm_client_start(f.c));
  CHECK(wait_connected(f.c));
  pthread_t senders[8], closer;
  for (int i = 0; i < 8; i++) CHECK(pthread_create(&senders[i], NULL, stress_sender, &s) == 0);
  CHECK(pthread_create(&closer, NULL, stress_closer, &s) == 0);
  for (int i = 0; i < 8; i++) pthread_join(senders[i], NULL);
  pthread_join(closer, NULL);
  fprintf(stderr, "  stress: %d sent, %d callbacks\n", atomic_load(&s.sent), atomic_load(&s.cb_count));
  CHECK(atomic_load(&s.close_returned) == 1);
  CHECK(atomic_load(&s.bad_result) == 0);
  CHECK(atomic_load(&s.cb_after_close) == 0);
  CHECK(atomic_load(&s.sent) > 0);
out:
  fixture_down(&f);
  /* and no callback ran during/after free either */
  if (atomic_load(&s.cb_after_close) != 0) failures_in_test++;
}

/* ---- runner ---- */

typedef struct {
  const char *name;
  void (*fn)(void);
} test_case;

static const test_case TESTS[] = {
    {"basics", t_basics},
    {"connect_poll_eventfd", t_connect_poll_eventfd},
    {"send_every_type", t_send_every_type},
    {"receive_every_type", t_receive_every_type},
    {"request_response", t_request_response},
    {"nack_and_resend", t_nack_and_resend},
    {"message_log", t_message_log},
    {"reconnect", t_reconnect},
    {"event_callback", t_event_callback},
    {"would_deadlock", t_would_deadlock},
    {"log_callback", t_log_callback},
    {"signer", t_signer},
    {"bad_json", t_bad_json},
    {"not_started", t_not_started},
    {"pending_and_timeout", t_pending_and_timeout},
    {"connect_failed_untrusted", t_connect_failed_untrusted},
    {"stress_close", t_stress_close},
};

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof TESTS / sizeof TESTS[0]; i++) {
    if (argc > 1) {
      int want = 0;
      for (int a = 1; a < argc; a++) want |= strcmp(argv[a], TESTS[i].name) == 0;
      if (!want) continue;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    failures_in_test = 0;
    TESTS[i].fn();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1000.0 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (failures_in_test == 0) {
      passed++;
      printf("ok   %-24s %8.1f ms\n", TESTS[i].name, ms);
    } else {
      failed++;
      printf("FAIL %-24s %8.1f ms\n", TESTS[i].name, ms);
    }
    fflush(stdout);
  }
  printf("c tests: %d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}
