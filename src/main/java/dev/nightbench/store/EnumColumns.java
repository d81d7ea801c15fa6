package dev.nightbench.store;

import dev.nightbench.client.RequestStatus;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.RowMapper;

/**
 * Row mappers that read the status columns into their enums through each enum's own {@code from(String)}, the one
 * place that knows the stored values ({@link RequestStatus}, {@link RunStatus}, {@link ModelAvailability},
 * {@link LoadPhaseStatus}); a value none of them knows fails the query instead of passing as a string.
 */
public final class EnumColumns {

    private static final DefaultConversionService CONVERSIONS = new DefaultConversionService();

    static {
        CONVERSIONS.addConverter(String.class, RequestStatus.class, RequestStatus::from);
        CONVERSIONS.addConverter(String.class, RunStatus.class, RunStatus::from);
        CONVERSIONS.addConverter(String.class, ModelAvailability.class, ModelAvailability::from);
        CONVERSIONS.addConverter(String.class, LoadPhaseStatus.class, LoadPhaseStatus::from);
    }

    private EnumColumns() {
    }

    /** Maps rows onto the record {@code type} by column name, as {@link DataClassRowMapper} does, enums included. */
    public static <T> RowMapper<T> rowMapper(Class<T> type) {
        DataClassRowMapper<T> mapper = new DataClassRowMapper<>(type);
        mapper.setConversionService(CONVERSIONS);
        return mapper;
    }
}
