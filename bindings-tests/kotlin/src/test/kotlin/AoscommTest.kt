// The uniffi-generated Kotlin bindings against the mock cloud: connect, every unit->cloud type
// acked, every cloud->unit type received through a listener, request/response, a cancelled
// send, typed errors, no callback after close, objects released on another thread. Every
// wait is bounded; nothing sleeps to synchronise.

import io.aoscomm.*
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.*
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

const val WAIT_MS = 10_000uL

/** Unit->cloud and cloud->unit types (protocol v7 §1.5), ack/nack aside. */
val UNIT_TO_CLOUD = setOf(
    "unitStatus", "monitoringData", "alerts", "newState", "stateRequest", "requestBlobUrls",
    "pushLog", "issueUnitCertificates", "installUnitCertificatesConfirmation",
    "overrideEnvVarsStatus", "startProvisioningResponse", "finishProvisioningResponse",
    "deprovisioningResponse",
)
val CLOUD_TO_UNIT = setOf(
    "desiredStatus", "stateAcceptance", "updateState", "renewCertificatesNotification",
    "issuedUnitCertificates", "overrideEnvVars", "startProvisioningRequest",
    "finishProvisioningRequest", "deprovisioningRequest", "requestLog", "blobUrls",
)
const val ALERTS = """{"messageType":"alerts","items":[]}"""

/** One canonical data object per message type, from our own test data (decoded by the codec). */
val SAMPLES: Map<String, Message> by lazy {
    val dir = File(System.getProperty("aoscomm.repo"), "aoscomm/tests/data/canonical")
    dir.listFiles()!!.sortedBy { it.name }
        .map { decode(it.readText().trim()) }
        .groupBy { it.messageType }
        .mapValues { it.value.first() }
}

/** Collects events; `next` waits (bounded) for the first one matching. */
class Collector : EventListener {
    val queue = LinkedBlockingQueue<ClientEvent>()
    override fun onEvent(event: ClientEvent) { queue.put(event) }
    fun <T> next(pick: (ClientEvent) -> T?): T {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS.toLong())
        while (true) {
            val left = deadline - System.nanoTime()
            val e = queue.poll(maxOf(left, 0), TimeUnit.NANOSECONDS) ?: fail("no matching event in time")
            pick(e)?.let { return it }
        }
    }
}

fun withCloud(block: (MockCloud) -> Unit) {
    val cloud = MockCloud(null)
    try { block(cloud) } finally { cloud.stop(); cloud.close() }
}

class AoscommTest {
    @Test
    @Timeout(60)
    fun `connects and every unit-to-cloud type is acked`() = withCloud { cloud ->
        UnitClient(cloud.clientConfig()).use { client ->
            client.start()
            runBlocking {
                client.waitConnected(WAIT_MS)
                assertTrue(client.isConnected())
                for (t in UNIT_TO_CLOUD) {
                    val d = client.send(SAMPLES.getValue(t).dataJson)
                    assertEquals(DeliveryStatus.ACKED, d.status, t)
                    assertEquals(t, d.messageType)
                    assertNull(d.reason)
                    assertEquals(1u, d.transmissions)
                }
            }
            val got = cloud.received().map { it.messageType }.toSet()
            assertTrue(got.containsAll(UNIT_TO_CLOUD), "cloud got $got")
        }
    }

    @Test
    @Timeout(60)
    fun `pushed messages reach the listener once each`() = withCloud { cloud ->
        UnitClient(cloud.clientConfig()).use { client ->
            val events = Collector()
            val sub = client.subscribe(events)
            client.start()
            events.next { it as? ClientEvent.Connected }
            val txns = CLOUD_TO_UNIT.associateBy { cloud.push(SAMPLES.getValue(it).dataJson) }
            val seen = mutableMapOf<String, Message>()
            while (seen.size < txns.size) {
                val m = events.next { (it as? ClientEvent.Received)?.message }
                assertNull(seen.put(m.txn, m), "delivered twice: ${m.txn}")
            }
            for ((txn, m) in seen) {
                assertEquals(txns[txn], m.messageType)
                assertEquals(SAMPLES.getValue(m.messageType).dataJson, m.dataJson)
                assertTrue(cloud.waitAckedByUnit(txn, WAIT_MS), "unit acked $txn")
            }
            sub.cancel()
        }
    }

    @Test
    @Timeout(60)
    fun `request gets the correlated response`() = withCloud { cloud ->
        cloud.answerBlobRequests(true)
        UnitClient(cloud.clientConfig()).use { client ->
            client.start()
            val resp = runBlocking {
                client.request("""{"messageType":"requestBlobUrls","digests":["sha256:00"]}""", WAIT_MS)
            }
            assertEquals("blobUrls", resp.messageType)
            val req = cloud.received().single { it.messageType == "requestBlobUrls" }
            assertEquals(req.correlationId, resp.correlationId)
        }
    }

    @Test
    @Timeout(60)
    fun `cancelling a send withdraws the message`() = withCloud { cloud ->
        cloud.dropAcks()
        UnitClient(cloud.clientConfig().copy(responseTimeoutMs = 200uL)).use { client ->
            val events = Collector()
            client.subscribe(events).use {
                client.start()
                runBlocking {
                    client.waitConnected(WAIT_MS)
                    val job = launch(Dispatchers.IO) { client.send(ALERTS) }
                    assertTrue(cloud.waitReceived(1u, WAIT_MS))
                    job.cancelAndJoin()
                    assertTrue(job.isCancelled)
                }
                val d = events.next { (it as? ClientEvent.Outcome)?.delivery }
                assertEquals(DeliveryStatus.FAILED, d.status)
                assertEquals("cancelled", d.reason)
                // Withdrawn: no resend after several response timeouts.
                assertFalse(cloud.waitTransmissionsAbove(d.txn, 1u, 800uL))
            }
        }
    }

    @Test
    @Timeout(60)
    fun `bad input is a typed error and the client goes on`() = withCloud { cloud ->
        UnitClient(cloud.clientConfig()).use { client ->
            client.start()
            runBlocking {
                val e = assertThrows(AoscommException.Decode::class.java) {
                    runBlocking { client.send("""{"messageType":"alerts","items":[{"tag":"systemAlert"}]}""") }
                }
                assertEquals("data.items[0]", e.path)
                assertEquals("missing key \"timestamp\"", e.reason)
                assertEquals(DeliveryStatus.ACKED, client.send(ALERTS).status)
            }
        }
        val e = assertThrows(AoscommException.Decode::class.java) { decode("{}") }
        assertEquals("message", e.path)
        assertThrows(AoscommException.Config::class.java) {
            UnitClient(ClientConfig(serviceDiscoveryUrl = "https://127.0.0.1:9/sd", systemId = ""))
        }
    }

    @Test
    @Timeout(60)
    fun `untrusted server is a connection error with its kind`() = withCloud { cloud ->
        UnitClient(cloud.clientConfig().copy(caCert = cloud.clientCertPem())).use { client ->
            client.start()
            val e = assertThrows(AoscommException.Connection::class.java) {
                runBlocking { client.waitConnected(2_000uL) }
            }
            assertEquals("untrusted_server", e.kind)
        }
    }

    @Test
    @Timeout(60)
    fun `no callback after close returns`() = withCloud { cloud ->
        val closed = AtomicBoolean(false)
        val late = AtomicInteger(0)
        val calls = AtomicInteger(0)
        val listener = object : EventListener {
            override fun onEvent(event: ClientEvent) {
                if (closed.get()) late.incrementAndGet()
                calls.incrementAndGet()
            }
        }
        val client = UnitClient(cloud.clientConfig())
        client.subscribe(listener)
        client.start()
        runBlocking { client.waitConnected(WAIT_MS) }
        // Keep events coming while closing.
        val pusher = Thread {
            repeat(500) { cloud.push("""{"messageType":"requestLog","logType":"systemLog","filter":{}}""") }
        }
        pusher.start()
        while (calls.get() < 10) Thread.onSpinWait()
        client.close()          // AutoCloseable: releases the object, which shuts it down
        closed.set(true)
        pusher.join(WAIT_MS.toLong())
        assertEquals(0, late.get(), "callbacks after close() returned")
        assertTrue(client.uniffiIsDestroyed)
    }

    @Test
    @Timeout(60)
    fun `shutdown reports undelivered messages and stops subscriptions`() = withCloud { cloud ->
        cloud.dropAcks()
        UnitClient(cloud.clientConfig()).use { client ->
            val events = Collector()
            val sub = client.subscribe(events)
            client.start()
            runBlocking {
                client.waitConnected(WAIT_MS)
                val job = async(Dispatchers.IO) { client.send(ALERTS) }
                assertTrue(cloud.waitReceived(1u, WAIT_MS))
                val undelivered = client.shutdown()
                assertEquals(listOf("alerts"), undelivered.map { it.messageType })
                val d = job.await()
                assertEquals("closed", d.reason)
                assertEquals(undelivered.single().txn, d.txn)
            }
            assertFalse(sub.isActive())
            assertThrows(AoscommException.Closed::class.java) { runBlocking { client.send(ALERTS) } }
        }
    }

    @Test
    @Timeout(60)
    fun `objects released on another thread do not crash`() = withCloud { cloud ->
        val errors = CopyOnWriteArrayList<Throwable>()
        repeat(5) {
            val client = UnitClient(cloud.clientConfig())
            val sub = client.subscribe(Collector())
            client.start()
            runBlocking {
                client.waitConnected(WAIT_MS)
                client.send(ALERTS)
            }
            val t = Thread {
                try { sub.close(); client.close() } catch (e: Throwable) { errors.add(e) }
            }
            t.start()
            t.join(WAIT_MS.toLong())
            assertFalse(t.isAlive)
        }
        // Objects left to the cleaner (GC) on its own thread.
        repeat(5) { UnitClient(cloud.clientConfig()).subscribe(Collector()) }
        System.gc()
        assertEquals(emptyList<Throwable>(), errors)
        assertEquals(26, messageTypes().size)
    }
}
