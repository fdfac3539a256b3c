package com.ffs.validator.api;

import java.util.Locale;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document ({@code application/problem+json}) with a machine-readable {@code code}.
 *
 * @param type a URI naming the problem type
 * @param title short summary of the type
 * @param status the HTTP status
 * @param detail what went wrong with this request, safe to show
 * @param code stable machine-readable reason (e.g. UNKNOWN_ACTION, OVERLOADED)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(String type, String title, int status, String detail, String code) {

    static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String title, String code, String detail) {
        return new Problem("urn:ffs-validator:problem:" + code.toLowerCase(Locale.ROOT).replace('_', '-'),
                title, status, detail, code);
    }
}
