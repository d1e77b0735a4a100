package dev.eventsync.jdbc;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of appends (used on SQLite, where every commit is one fsync and all appends serialize on the
 * file's write lock anyway): the appends that queue while a commit is in progress run together in ONE
 * transaction, each inside its own savepoint with its own head check, then one commit (one fsync), and only
 * then does each append learn its result.
 *
 * <p>Leader/follower, no timer: an append that finds no commit in progress leads at once (a lone append is
 * never delayed); an append that arrives during a commit queues, and when that commit ends one queued caller
 * leads the next group with everything queued by then, at most {@link #MAX_GROUP_EVENTS} events and about
 * {@link #MAX_GROUP_CHARS} characters of {@code args} per group (always at least one append).
 *
 * <p>Per append: a stale expected head gives {@link AppendResult.HeadMismatch} and writes nothing; a failing
 * append (an SQL error in its statements) is rolled back to its savepoint and fails alone with the
 * {@link StorageUnavailableException} it would get on its own. When the group's transaction itself fails
 * (begin, savepoint handling, commit), nothing of it is committed and every append of the group fails with
 * {@link StorageUnavailableException}. A result is handed out only after the commit returned.
 */
final class GroupCommit {

    /** The most events one group commits. */
    static final int MAX_GROUP_EVENTS = 10_000;
    /** About the most characters of names and {@code args} one group commits. */
    static final long MAX_GROUP_CHARS = 8L << 20;

    /** One append inside the group's transaction (the store's head check, inserts, head update). */
    @FunctionalInterface
    interface Appender {
        AppendResult append(Connection connection, StoreId storeId, long expectedHead, List<Event> batch,
                Instant createdAt) throws SQLException;
    }

    /** Runs the group's work in one transaction, after making sure every store in {@code stores} has its row. */
    @FunctionalInterface
    interface Transactor {
        void inTransaction(Set<StoreId> stores, JdbcDatabase.Work<Void> work);
    }

    private final JdbcDatabase database;
    private final Appender appender;
    private final Transactor transactor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean committing;
    private final AtomicLong commits = new AtomicLong();

    GroupCommit(JdbcDatabase database, Appender appender, Transactor transactor) {
        this.database = database;
        this.appender = appender;
        this.transactor = transactor;
    }

    /** Appends through the next group; blocks until the group's commit ended. Same contract as the store's append. */
    AppendResult append(StoreId storeId, long expectedHead, List<Event> batch, Instant createdAt) {
        Pending mine = new Pending(storeId, expectedHead, batch, createdAt);
        boolean lead;
        lock.lock();
        try {
            queue.addLast(mine);
            while (!mine.settled && committing) {
                settled.awaitUninterruptibly();
            }
            lead = !mine.settled;
            if (lead) {
                committing = true;
            }
        } finally {
            lock.unlock();
        }
        if (lead) {
            lead(mine);
        }
        return mine.outcome();
    }

    /** Commits groups until {@code mine} is settled (it is in the first group unless the queue was over the bounds). */
    private void lead(Pending mine) {
        try {
            while (!mine.settled) {
                List<Pending> group = takeGroup();
                try {
                    commit(group);
                } catch (Throwable failure) {
                    for (Pending pending : group) {
                        pending.result = null;
                        pending.failure = failure;
                    }
                }
                settle(group);
            }
        } finally {
            lock.lock();
            try {
                committing = false;
                settled.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private List<Pending> takeGroup() {
        lock.lock();
        try {
            List<Pending> group = new ArrayList<>();
            long events = 0;
            long chars = 0;
            while (!queue.isEmpty()) {
                Pending next = queue.peekFirst();
                if (!group.isEmpty()
                        && (events + next.batch.size() > MAX_GROUP_EVENTS || chars + next.chars > MAX_GROUP_CHARS)) {
                    break;
                }
                group.add(queue.pollFirst());
                events += next.batch.size();
                chars += next.chars;
            }
            return group;
        } finally {
            lock.unlock();
        }
    }

    private void commit(List<Pending> group) {
        Set<StoreId> stores = new LinkedHashSet<>();
        group.forEach(pending -> stores.add(pending.storeId));
        transactor.inTransaction(stores, connection -> {
            for (Pending pending : group) {
                pending.result = null;
                pending.failure = null;
                Savepoint savepoint = connection.setSavepoint();
                try {
                    pending.result = appender.append(connection, pending.storeId, pending.expectedHead,
                            pending.batch, pending.createdAt);
                } catch (SQLException e) {
                    connection.rollback(savepoint);
                    pending.failure = database.unavailable("append", pending.storeId, e);
                } catch (RuntimeException e) {
                    connection.rollback(savepoint);
                    pending.failure = e;
                }
                connection.releaseSavepoint(savepoint);
            }
            return null;
        });
        commits.incrementAndGet();
    }

    /** Publishes the group's outcomes (under the lock, so that the waiting callers see them) and wakes them. */
    private void settle(List<Pending> group) {
        lock.lock();
        try {
            group.forEach(pending -> pending.settled = true);
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Transactions committed so far (for tests: fewer commits than appends means appends were grouped). */
    long commits() {
        return commits.get();
    }

    /** Whether a group is being committed now (for tests). */
    boolean committing() {
        lock.lock();
        try {
            return committing;
        } finally {
            lock.unlock();
        }
    }

    /** Appends queued and not yet taken into a group (for tests). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** One caller's append and, once settled, its outcome. Fields are guarded by the group's lock hand-offs. */
    private static final class Pending {
        final StoreId storeId;
        final long expectedHead;
        final List<Event> batch;
        final Instant createdAt;
        final long chars;
        AppendResult result;
        Throwable failure;
        boolean settled;

        Pending(StoreId storeId, long expectedHead, List<Event> batch, Instant createdAt) {
            this.storeId = storeId;
            this.expectedHead = expectedHead;
            this.batch = batch;
            this.createdAt = createdAt;
            long size = 0;
            for (Event event : batch) {
                size += event.name().length() + event.args().map(String::length).orElse(0);
            }
            this.chars = size;
        }

        AppendResult outcome() {
            if (failure == null) {
                return result;
            }
            // rethrown on this caller's thread, with the leader's failure as the cause
            if (failure instanceof StorageUnavailableException e) {
                throw new StorageUnavailableException(e.getMessage(), e);
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("append failed: " + failure, failure);
        }
    }
}
