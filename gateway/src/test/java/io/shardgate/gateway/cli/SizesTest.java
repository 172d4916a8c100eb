package io.shardgate.gateway.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest {
    @ParameterizedTest
    @CsvSource({"4096,4096", "1K,1024", "512k,524288", "10M,10485760", "1G,1073741824", "2T,2199023255552",
            "1GiB,1073741824", "8388607T,9223370937343148032"})
    void suffixesAreBinary(String text, long bytes) {
        assertEquals(bytes, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "G", "1.5G", "-1", "0", "12X", "8388608T", "99999999999999999999", "1 G G"})
    void garbageAndOverflowAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    }
}
