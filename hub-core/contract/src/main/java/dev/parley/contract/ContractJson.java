package dev.parley.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON shape of Parley's records: ISO-8601 instants, unknown fields ignored so that an older reader accepts a
 * newer writer's record. Services running on Quarkus get the same settings from Quarkus's ObjectMapper; this is
 * for plain-Java users (tests, the load harness).
 */
public final class ContractJson {
    private ContractJson() {
    }

    public static ObjectMapper newMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
