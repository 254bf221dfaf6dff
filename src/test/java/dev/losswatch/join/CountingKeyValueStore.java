package dev.losswatch.join;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A bytes store that counts the entries its range scans hand out and the full scans it is asked for. */
final class CountingKeyValueStore implements KeyValueStore<Bytes, byte[]> {

    private final KeyValueStore<Bytes, byte[]> inner;
    private long entriesReadByRangeScans;
    private long fullScans;

    private CountingKeyValueStore(KeyValueStore<Bytes, byte[]> inner) {
        this.inner = inner;
    }

    /** Wraps the stores of a supplier; {@code created} receives each store made, so the test can read its counts. */
    static KeyValueBytesStoreSupplier wrapping(KeyValueBytesStoreSupplier supplier, List<CountingKeyValueStore> created) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return supplier.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                CountingKeyValueStore store = new CountingKeyValueStore(supplier.get());
                created.add(store);
                return store;
            }

            @Override
            public String metricsScope() {
                return supplier.metricsScope();
            }
        };
    }

    long entriesReadByRangeScans() {
        return entriesReadByRangeScans;
    }

    long fullScans() {
        return fullScans;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        KeyValueIterator<Bytes, byte[]> entries = inner.range(from, to);
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public KeyValue<Bytes, byte[]> next() {
                entriesReadByRangeScans++;
                return entries.next();
            }

            @Override
            public Bytes peekNextKey() {
                return entries.peekNextKey();
            }

            @Override
            public void close() {
                entries.close();
            }
        };
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        fullScans++;
        return inner.all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        fullScans++;
        return inner.reverseAll();
    }

    @Override
    public void put(Bytes key, byte[] value) {
        inner.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        inner.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return inner.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return inner.get(key);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation") // the layers above may still call flush() as well as commit()
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    @SuppressWarnings("deprecation") // delegated so the wrapper never changes how the inner store is committed
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
