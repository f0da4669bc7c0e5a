package dev.parley.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultSettingsJsonTest {

    private static final FaultSettings CURRENT = new FaultSettings(0.1, 1, 0.2, 2, Optional.of(Duration.ofSeconds(3)), 0.3, 0,
            Optional.empty(), 5);

    private final ObjectMapper json = new ObjectMapper();

    private FaultSettingsJson.Result merge(String body) throws Exception {
        return FaultSettingsJson.merge(CURRENT, json.readTree(body));
    }

    @Test
    void replacesTheNamedFieldsAndKeepsTheOthers() throws Exception {
        assertThat(merge("{\"errorRate\":1,\"crashAtRequest\":4,\"seed\":99}")).isEqualTo(new FaultSettingsJson.Valid(
                new FaultSettings(1, 1, 0.2, 2, Optional.of(Duration.ofSeconds(3)), 0.3, 4, Optional.empty(), 99)));
    }

    @Test
    void readsDurationsInTheConfigurationsSyntaxAndNullAsForever() throws Exception {
        FaultSettingsJson.Result result = merge("{\"stallFor\":null,\"crashAfter\":\"250ms\"}");

        assertThat(result).isInstanceOf(FaultSettingsJson.Valid.class);
        FaultSettings settings = ((FaultSettingsJson.Valid) result).settings();
        assertThat(settings.stallFor()).isEmpty();
        assertThat(settings.crashAfter()).contains(Duration.ofMillis(250));
        assertThat(((FaultSettingsJson.Valid) merge("{\"stallFor\":\"PT1M\"}")).settings().stallFor()).contains(Duration.ofMinutes(1));
    }

    @Test
    void writesWhatItReads() throws Exception {
        FaultSettings settings = new FaultSettings(0.5, 3, 0.25, 4, Optional.of(Duration.ofMillis(1500)), 0.125, 7,
                Optional.of(Duration.ofMinutes(2)), 11);

        String written = json.writeValueAsString(FaultSettingsJson.View.of(settings));

        assertThat(written).contains("\"stallFor\":\"PT1.5S\"", "\"crashAfter\":\"PT2M\"");
        assertThat(FaultSettingsJson.merge(CURRENT, json.readTree(written))).isEqualTo(new FaultSettingsJson.Valid(settings));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{\"errorRate\":1.5}", "{\"errorRate\":\"high\"}", "{\"stallRate\":-0.1}",
            "{\"errorAfterTokens\":-1}", "{\"errorAfterTokens\":1.5}", "{\"stallFor\":\"soon\"}", "{\"stallFor\":\"\"}",
            "{\"stallFor\":30}", "{\"crashAfter\":\"-5s\"}", "{\"seed\":\"x\"}", "{\"error-rate\":1}"})
    void refusesWhatIsNotAFaultSetting(String body) throws Exception {
        assertThat(merge(body)).isInstanceOf(FaultSettingsJson.Invalid.class);
    }

    @Test
    void namesTheKnownFieldsWhenOneIsUnknown() throws Exception {
        assertThat(merge("{\"error-rate\":1}")).isEqualTo(new FaultSettingsJson.Invalid("Unknown field 'error-rate'; the fields are "
                + "errorRate, errorAfterTokens, stallRate, stallAfterTokens, stallFor, rateLimitRate, crashAtRequest, crashAfter, seed."));
    }

    @Test
    void settingsRefuseImpossibleValuesAtStartToo() {
        assertThatThrownBy(() -> new FaultSettings(2, 0, 0, 0, Optional.empty(), 0, 0, Optional.empty(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errorRate");
    }
}
