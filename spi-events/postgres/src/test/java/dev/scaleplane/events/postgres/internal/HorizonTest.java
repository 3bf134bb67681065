package dev.scaleplane.events.postgres.internal;

import static dev.scaleplane.events.postgres.TestPostgres.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.events.postgres.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The global-position rule: an append that commits after a later-started one but got the lower position must never
 * be skipped by readers. The slow append is the store's own append statement run by hand in a transaction the test
 * keeps open, so the out-of-order commit is deterministic.
 */
class HorizonTest {
    @RegisterExtension
    final TestPostgres pg = new TestPostgres();

    /** Starts the store's append statement in an open transaction; returns its first position. */
    private long beginSlowAppend(Connection c, String stream, Event<?> event) throws Exception {
        c.setAutoCommit(false);
        Sql sql = new Sql(pg.schema(), "");
        try (PreparedStatement ps = c.prepareStatement(sql.append)) {
            ps.setString(1, stream);
            ps.setLong(2, -3);
            ps.setInt(3, 1);
            ps.setInt(4, Sql.lockKey(pg.schema()));
            ps.setString(5, stream);
            ps.setObject(6, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setArray(7, c.createArrayOf("text", new String[] {event.id()}));
            ps.setArray(8, c.createArrayOf("text", new String[] {event.type()}));
            ps.setArray(9, c.createArrayOf("text", new String[] {null}));
            ps.setArray(10, c.createArrayOf("text", new String[] {null}));
            ps.setArray(11, c.createArrayOf("text", new String[] {null}));
            ps.setArray(12, c.createArrayOf("int8", new Long[] {0L}));
            ps.setArray(13, c.createArrayOf("bytea", new byte[][] {TestPostgres.CODEC.encodeStructured(event)}));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(2);
            }
        }
    }

    @Test
    void anAppendCommittedLaterWithALowerPositionIsNeverSkipped() throws Exception {
        EventStore store = pg.open();
        AppendResult first = store.append("base-1", ExpectedVersion.ANY, List.of(note("base", 0)))
                .join();
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        CatchUpSubscription sub = store.subscribe(CatchUpOptions.fromStart(), seen::add);
        await().atMost(Duration.ofSeconds(20)).until(() -> sub.isLive() && seen.size() == 1);

        try (Connection slow = TestPostgres.connect()) {
            long slowPosition = beginSlowAppend(slow, "slow-1", note("slow", 1));
            AppendResult fast = store.append("fast-1", ExpectedVersion.ANY, List.of(note("fast", 2)))
                    .join();
            assertThat(fast.firstPosition()).isGreaterThan(slowPosition);
            assertThat(slowPosition).isGreaterThan(first.lastPosition());

            // Committed, but behind an open append with a lower position: hidden from every global read.
            assertThat(store.readStream("fast-1", ReadDirection.FORWARD, 0, 10)).hasSize(1);
            assertThat(store.readAll(ReadDirection.FORWARD, 0, 100))
                    .extracting(RecordedEvent::position)
                    .containsExactly(first.firstPosition());
            assertThat(store.readAll(ReadDirection.BACKWARD, Long.MAX_VALUE, 100))
                    .extracting(RecordedEvent::position)
                    .containsExactly(first.firstPosition());
            assertThat(store.query(AuditQuery.builder().stream("fast-1").build())
                            .events())
                    .isEmpty();
            assertThat(seen).extracting(RecordedEvent::position).containsExactly(first.firstPosition());

            slow.commit();

            assertThat(store.readAll(ReadDirection.FORWARD, 0, 100))
                    .extracting(RecordedEvent::position)
                    .containsExactly(first.firstPosition(), slowPosition, fast.firstPosition());
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 3);
            assertThat(seen)
                    .extracting(RecordedEvent::position)
                    .containsExactly(first.firstPosition(), slowPosition, fast.firstPosition());
        } finally {
            sub.close();
        }
    }

    @Test
    void aRolledBackAppendReleasesTheEventsBehindIt() throws Exception {
        EventStore store = pg.open();
        AppendResult fast;
        try (Connection slow = TestPostgres.connect()) {
            beginSlowAppend(slow, "slow-2", note("slow", 1));
            fast = store.append("fast-2", ExpectedVersion.ANY, List.of(note("fast", 2)))
                    .join();
            assertThat(store.readAll(ReadDirection.FORWARD, 0, 100)).isEmpty();
            slow.rollback();
        }
        assertThat(store.readAll(ReadDirection.FORWARD, 0, 100))
                .extracting(RecordedEvent::position)
                .containsExactly(fast.firstPosition());
        assertThat(store.streamVersion("slow-2")).isEmpty();
    }

    @Test
    void aTransactionThatDoesNotAppendToThisStoreHoldsNoReaderBack() throws Exception {
        EventStore store = pg.open();
        try (Connection other = TestPostgres.connect()) {
            other.setAutoCommit(false);
            try (Statement st = other.createStatement()) {
                // An older transaction with an id, writing elsewhere: the plain xmin rule would wait for it.
                st.execute("CREATE TEMP TABLE unrelated (x int)");
                st.execute("INSERT INTO unrelated VALUES (1)");
            }
            AppendResult r = store.append("free-1", ExpectedVersion.ANY, List.of(note("x", 1)))
                    .join();
            assertThat(store.readAll(ReadDirection.FORWARD, 0, 100))
                    .extracting(RecordedEvent::position)
                    .containsExactly(r.firstPosition());
            other.rollback();
        }
    }
}
