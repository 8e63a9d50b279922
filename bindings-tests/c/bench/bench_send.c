/* Benchmark: the cost of one aoscomm_client_send call through the C ABI (timed alone, the
 * deliveries are awaited outside the timing), and acked messages per second end to end from C,
 * against the in-process mock cloud on loopback mTLS. Prints medians of several rounds. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aoscomm.h"

#define ROUNDS 9
#define PER_ROUND 5000

static const char MSG[] =
    "{\"messageType\":\"stateRequest\",\"item\":{\"id\":\"bench-item\"},"
    "\"subject\":{\"id\":\"bench-subject\"},\"instance\":1,\"default\":false}";

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int check(aoscomm_result r, const char *what) {
  if (r == AOSCOMM_RESULT_OK) return 1;
  char buf[512];
  aoscomm_last_error(buf, sizeof buf);
  fprintf(stderr, "%s: %s: %s\n", what, aoscomm_result_name(r), buf);
  return 0;
}

int main(void) {
  aoscomm_mock_cloud *m = NULL;
  if (!check(aoscomm_mock_cloud_start("test_system_id", 14, &m), "mock")) return 1;
  aoscomm_config *cfg = aoscomm_config_new();
  if (!cfg || !check(aoscomm_mock_cloud_configure(m, cfg), "configure")) return 1;
  aoscomm_config_set_queue_max_messages(cfg, 1u << 20);
  aoscomm_config_set_max_in_flight(cfg, 64);
  aoscomm_client *c = NULL;
  if (!check(aoscomm_client_new(cfg, &c), "client")) return 1;
  aoscomm_config_free(cfg);
  if (!check(aoscomm_client_start(c), "start")) return 1;
  aoscomm_event *ev = NULL;
  for (;;) { /* wait for CONNECTED */
    if (!check(aoscomm_client_next_event(c, 10000, &ev), "connect")) return 1;
    uint32_t k = aoscomm_event_kind(ev);
    aoscomm_event_free(ev);
    if (k == AOSCOMM_EVENT_CONNECTED) break;
  }
  static uint64_t ids[PER_ROUND];
  double call_ns[ROUNDS], rate[ROUNDS];
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ns(), calls = 0;
    for (int i = 0; i < PER_ROUND; i++) {
      double a = now_ns();
      if (!check(aoscomm_client_send(c, (const uint8_t *)MSG, strlen(MSG), -1, &ids[i]), "send")) return 1;
      calls += now_ns() - a;
    }
    for (int i = 0; i < PER_ROUND; i++) {
      aoscomm_delivery d;
      if (!check(aoscomm_client_delivery(c, ids[i], 60000, &d), "delivery")) return 1;
      if (d.status != 1) { fprintf(stderr, "message not acked\n"); return 1; }
    }
    call_ns[r] = calls / PER_ROUND;
    rate[r] = PER_ROUND / ((now_ns() - t0) / 1e9);
  }
  qsort(call_ns, ROUNDS, sizeof(double), cmp);
  qsort(rate, ROUNDS, sizeof(double), cmp);
  printf("C ABI: aoscomm_client_send median %.0f ns per call; end to end (window 64) median %.0f acked msg/s (%d rounds of %d)\n",
         call_ns[ROUNDS / 2], rate[ROUNDS / 2], ROUNDS, PER_ROUND);
  size_t undelivered = 0;
  aoscomm_client_close(c, 1000, &undelivered);
  aoscomm_client_free(c);
  aoscomm_mock_cloud_free(m);
  return 0;
}
