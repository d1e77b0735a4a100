package dev.eventsync.server.admin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Which request paths are the admin area ({@value AdminRoutes#PREFIX}), whatever their spelling. A path is in the
 * admin area when its first segment is {@code admin} in any of its readings: as sent, percent-decoded once
 * ({@code /%61dmin}, {@code /%2F%2Fadmin}), with runs of {@code /} collapsed ({@code //admin}), with its dot
 * segments resolved ({@code /./admin}, {@code /x/%2e%2e/admin}), compared without regard to case
 * ({@code /ADMIN}), or before its dot segments are resolved ({@code /admin/../}). Such a request is never the
 * sync endpoint's: with {@code --admin-token} only the exact spelling ({@link #isExact}) reaches an admin
 * endpoint, any other is the admin's {@code 401}/{@code 404}; without it every one is a plain {@code 404}.
 */
public final class AdminPath {

    private AdminPath() {
    }

    /** Whether {@code rawPath} (the request's path as sent, not decoded) is in the admin area in any reading. */
    public static boolean isAdminArea(String rawPath) {
        if (rawPath == null) {
            return false;
        }
        for (String reading : new String[] {rawPath, decodeOnce(rawPath)}) {
            String collapsed = reading.toLowerCase(Locale.ROOT).replaceAll("/{2,}", "/");
            if (firstSegmentIsAdmin(collapsed) || firstSegmentIsAdmin(resolveDots(collapsed))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code rawPath} spells an admin path exactly: {@value AdminRoutes#PREFIX} or below it, lower case,
     * no percent-escape, no empty or dot segment.
     */
    public static boolean isExact(String rawPath) {
        if (rawPath == null || !(rawPath.equals(AdminRoutes.PREFIX) || rawPath.startsWith(AdminRoutes.PREFIX + "/"))
                || rawPath.indexOf('%') >= 0 || rawPath.indexOf('\\') >= 0) {
            return false;
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".") || s.equals("..") || (s.isEmpty() && !last)) {
                return false;
            }
        }
        return true;
    }

    private static boolean firstSegmentIsAdmin(String path) {
        String p = path.replace('\\', '/');
        return p.equals(AdminRoutes.PREFIX) || p.startsWith(AdminRoutes.PREFIX + "/")
                || p.startsWith(AdminRoutes.PREFIX + ";");
    }

    /** RFC 3986's remove_dot_segments on an absolute path with no empty segments. */
    private static String resolveDots(String path) {
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.replace('\\', '/').split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals("..")) {
                out.pollLast();
            } else if (!s.equals(".") && !s.isEmpty()) {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }

    /** Every {@code %XX} decoded as UTF-8 bytes; an invalid escape is kept as it is. */
    static String decodeOnce(String path) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length() && Character.digit(path.charAt(i + 1), 16) >= 0
                    && Character.digit(path.charAt(i + 2), 16) >= 0) {
                bytes.write(Integer.parseInt(path.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
