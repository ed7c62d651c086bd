import CCairo
import EBSDCore
import Foundation

/// Why a figure could not be made; nothing is written then.
public struct FigureError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A figure drawn with cairo and written as PNG, SVG or PDF — chosen by the output path's extension — through a
/// temporary file renamed into place when complete (nothing half-written). Layout and drawing in millimetres with the
/// origin at the top left (journal column widths: 85 mm single, 180 mm double); a PNG is rasterised at `dpi`
/// (default 300), anti-aliased; in SVG and PDF lines and text are vectors and embedded maps keep their pixel grid
/// (nearest neighbour, never smoothed). Text is DejaVu Sans (Debian's fonts-dejavu-core), sizes in points.
///
/// A class: it owns cairo's surface and context, released when the figure is written or dropped.
public final class Figure {
    public enum Format: String, Sendable, CaseIterable {
        case png, svg, pdf
        /// The format of an output path's extension, or nil.
        public init?(path: String) { self.init(rawValue: (path as NSString).pathExtension.lowercased()) }
    }
    public let widthMM: Double, heightMM: Double, dpi: Double
    public let format: Format
    public let path: String
    let temporaryPath: String
    let surface: OpaquePointer
    let cr: OpaquePointer
    var finished = false
    /// Default resolution of PNG output (dots per inch): print quality.
    public static let defaultDPI = 300.0
    public static let millimetresPerInch = 25.4
    static let pointsPerInch = 72.0
    /// The font of every text.
    public static let fontFamily = "DejaVu Sans"

    public init(path: String, widthMM: Double, heightMM: Double, dpi: Double = Figure.defaultDPI) throws(FigureError) {
        guard let format = Format(path: path) else {
            throw FigureError("\(path): the figure's format comes from the extension: .png, .svg or .pdf")
        }
        guard dpi > 0, dpi.isFinite else { throw FigureError("--dpi must be positive (got \(dpi))") }
        guard widthMM > 0, heightMM > 0 else {
            throw FigureError("the figure must have a positive size (got \(widthMM) by \(heightMM) mm)")
        }
        self.widthMM = widthMM
        self.heightMM = heightMM
        self.dpi = dpi
        self.format = format
        self.path = path
        temporaryPath = AtomicFile.temporaryPath(for: path)
        let unitsPerMM: Double
        let s: OpaquePointer?
        switch format {
        case .png:
            unitsPerMM = dpi / Self.millimetresPerInch
            s = cairo_image_surface_create(
                CAIRO_FORMAT_ARGB32, Int32((widthMM * unitsPerMM).rounded()), Int32((heightMM * unitsPerMM).rounded()))
        case .svg:
            unitsPerMM = Self.pointsPerInch / Self.millimetresPerInch
            s = cairo_svg_surface_create(temporaryPath, widthMM * unitsPerMM, heightMM * unitsPerMM)
        case .pdf:
            unitsPerMM = Self.pointsPerInch / Self.millimetresPerInch
            s = cairo_pdf_surface_create(temporaryPath, widthMM * unitsPerMM, heightMM * unitsPerMM)
        }
        guard let s, cairo_surface_status(s) == CAIRO_STATUS_SUCCESS else {
            throw FigureError("\(path): cannot create the \(format.rawValue) surface (is the folder writable?)")
        }
        surface = s
        cr = cairo_create(s)
        cairo_scale(cr, unitsPerMM, unitsPerMM)
        cairo_select_font_face(cr, Self.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        fill(x: 0, y: 0, width: widthMM, height: heightMM, color: .white)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
        if !finished { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }

    /// Writes the figure: PNG rendered now, SVG/PDF completed; then the temporary file is renamed to `path`.
    public func write() throws(FigureError) {
        cairo_surface_flush(surface)
        // cairo writes the temporary file; it replaces `path` only when complete (AtomicFile), else it is removed
        let status: cairo_status_t
        if format == .png {
            status = cairo_surface_write_to_png(surface, temporaryPath)
        } else {
            cairo_surface_finish(surface)
            status = cairo_surface_status(surface)
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            AtomicFile.discard(temporaryPath)
            throw FigureError("\(path): cannot write the \(format.rawValue.uppercased()): \(AtomicFile.problem(writing: path))")
        }
        do { try AtomicFile.commit(temporaryPath, to: path) } catch { throw FigureError("\(error)") }
        finished = true
    }

    // MARK: drawing (millimetres, points for font sizes and line widths)

    public struct Color: Sendable, Hashable {
        public var r: Double, g: Double, b: Double, a: Double
        public init(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) {
            self.r = r
            self.g = g
            self.b = b
            self.a = a
        }
        public init(bytes c: (UInt8, UInt8, UInt8)) { self.init(Double(c.0) / 255, Double(c.1) / 255, Double(c.2) / 255) }
        public static let black = Color(0, 0, 0), white = Color(1, 1, 1), grey = Color(0.5, 0.5, 0.5)
    }

    static func mm(points: Double) -> Double { points * millimetresPerInch / pointsPerInch }

    func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a) }

    public func fill(x: Double, y: Double, width: Double, height: Double, color: Color) {
        setColor(color)
        cairo_rectangle(cr, x, y, width, height)
        cairo_fill(cr)
    }

    public func strokeRect(x: Double, y: Double, width: Double, height: Double, color: Color = .black, lineWidthPt: Double = 0.5) {
        setColor(color)
        cairo_set_line_width(cr, Self.mm(points: lineWidthPt))
        cairo_rectangle(cr, x, y, width, height)
        cairo_stroke(cr)
    }

    /// A polyline through `points` (mm).
    public func polyline(_ points: [(Double, Double)], color: Color = .black, lineWidthPt: Double = 0.5, closed: Bool = false) {
        guard let first = points.first else { return }
        setColor(color)
        cairo_set_line_width(cr, Self.mm(points: lineWidthPt))
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_move_to(cr, first.0, first.1)
        for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        if closed { cairo_close_path(cr) }
        cairo_stroke(cr)
    }

    /// Separate straight segments (mm) in one stroke.
    public func segments(_ segments: [((Double, Double), (Double, Double))], color: Color, lineWidthPt: Double) {
        guard !segments.isEmpty else { return }
        setColor(color)
        cairo_set_line_width(cr, Self.mm(points: lineWidthPt))
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE)
        for (a, b) in segments {
            cairo_move_to(cr, a.0, a.1)
            cairo_line_to(cr, b.0, b.1)
        }
        cairo_stroke(cr)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    }

    public func circle(x: Double, y: Double, radius: Double, fill color: Color? = nil, stroke: Color? = nil, lineWidthPt: Double = 0.5) {
        cairo_new_sub_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * .pi)
        if let color {
            setColor(color)
            if stroke != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let stroke {
            setColor(stroke)
            cairo_set_line_width(cr, Self.mm(points: lineWidthPt))
            cairo_stroke(cr)
        }
    }

    public enum HorizontalAnchor: Sendable { case left, centre, right }
    public enum VerticalAnchor: Sendable { case top, middle, baseline, bottom }

    /// The width and height (mm) of `text` at `sizePt`.
    public func measure(_ text: String, sizePt: Double) -> (width: Double, height: Double) { Self.measure(text, sizePt: sizePt) }

    /// The width and height (mm) of `text` at `sizePt`, before any figure exists (for layouts that size the figure):
    /// measured on a scratch 1 × 1 surface in the same font, with mm as the unit.
    public static func measure(_ text: String, sizePt: Double) -> (width: Double, height: Double) {
        guard let scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else { return (0, mm(points: sizePt)) }
        defer { cairo_surface_destroy(scratch) }
        guard let context = cairo_create(scratch) else { return (0, mm(points: sizePt)) }
        defer { cairo_destroy(context) }
        cairo_select_font_face(context, fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, mm(points: sizePt))
        var e = cairo_text_extents_t()
        cairo_text_extents(context, text, &e)
        return (e.x_advance, mm(points: sizePt))
    }

    /// The font size (≤ `sizePt`, ≥ 5 pt) and text (shortened in the middle with "…" if even 5 pt is too wide) that fit
    /// in `maximumWidth` mm: a label is never clipped.
    public func fitted(_ text: String, sizePt: Double, maximumWidth: Double) -> (text: String, sizePt: Double) {
        var size = sizePt
        while size > 5, measure(text, sizePt: size).width > maximumWidth { size -= 0.5 }
        var t = text
        while t.count > 3, measure(t, sizePt: size).width > maximumWidth {
            let chars = Array(t.replacingOccurrences(of: "…", with: ""))
            let cut = chars.count / 2
            t = String(chars[..<(cut - 1)]) + "…" + String(chars[(cut + 1)...])
        }
        return (t, size)
    }

    /// Draws `text` anchored at (x, y) mm, rotated by `degrees` (counter-clockwise) about the anchor.
    public func text(
        _ text: String, x: Double, y: Double, sizePt: Double, horizontal: HorizontalAnchor = .left, vertical: VerticalAnchor = .baseline,
        degrees: Double = 0, color: Color = .black
    ) {
        cairo_save(cr)
        cairo_set_font_size(cr, Self.mm(points: sizePt))
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, text, &e)
        var f = cairo_font_extents_t()
        cairo_font_extents(cr, &f)
        cairo_translate(cr, x, y)
        cairo_rotate(cr, -degrees * .pi / 180)
        let dx: Double = horizontal == .left ? 0 : (horizontal == .centre ? -e.x_advance / 2 : -e.x_advance)
        let dy: Double
        switch vertical {
        case .baseline: dy = 0
        case .top: dy = f.ascent
        case .middle: dy = (f.ascent - f.descent) / 2
        case .bottom: dy = -f.descent
        }
        setColor(color)
        cairo_move_to(cr, dx, dy)
        cairo_show_text(cr, text)
        cairo_restore(cr)
    }

    /// An RGB image (`width` × `height` pixels, row-major bytes) drawn into the rectangle (mm) pixel for pixel, nearest
    /// neighbour (a map keeps its pixel grid; never smoothed). NaN-free pixels only: `transparent` marks pixels to leave
    /// unpainted.
    public func image(
        rgb: [UInt8], width: Int, height: Int, x: Double, y: Double, drawWidth: Double, drawHeight: Double, transparent: [Bool]? = nil
    ) {
        guard width > 0, height > 0, rgb.count >= 3 * width * height else { return }
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(width)))
        guard let img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else { return }
        cairo_surface_flush(img)
        if let data = cairo_image_surface_get_data(img) {
            for r in 0..<height {
                let row = (data + r * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
                for c in 0..<width {
                    let k = r * width + c
                    if let t = transparent, t[k] {
                        row[c] = 0
                    } else {
                        row[c] = 0xFF00_0000 | UInt32(rgb[3 * k]) << 16 | UInt32(rgb[3 * k + 1]) << 8 | UInt32(rgb[3 * k + 2])
                    }
                }
            }
        }
        cairo_surface_mark_dirty(img)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, drawWidth / Double(width), drawHeight / Double(height))
        cairo_set_source_surface(cr, img, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(width), Double(height))
        cairo_fill(cr)
        cairo_restore(cr)
        cairo_surface_destroy(img)
    }

    /// Restricts drawing to a circle (mm) until ``resetClip()``.
    public func clipCircle(x: Double, y: Double, radius: Double) {
        cairo_new_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * .pi)
        cairo_clip(cr)
    }

    /// Restricts drawing to a rectangle (mm) until ``resetClip()``.
    public func clipRect(x: Double, y: Double, width: Double, height: Double) {
        cairo_new_path(cr)
        cairo_rectangle(cr, x, y, width, height)
        cairo_clip(cr)
    }

    public func resetClip() { cairo_reset_clip(cr) }
}
