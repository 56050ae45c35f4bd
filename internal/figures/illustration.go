package figures

import (
	"image/color"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ModelDiagram is the model illustration (the paper's Figure 1) drawn as
// tables: the payoff matrix (panel c), horizontal transmission between A
// and B (d), the transmission routes (a, b) and the generation cycle.
// The caller supplies the texts; the layout is fixed.
type ModelDiagram struct {
	Title, Footnote string
	// Payoffs are the fitness of φ_1 meeting φ_2, in the order A meets
	// A, A meets B, B meets A, B meets B.
	Payoffs [4]string
	// Routes are the rows of the transmission table: step, route,
	// source of the phenotype, probability.
	Routes [][4]string
	// Cycle are the steps of one generation, top to bottom.
	Cycle []string
}

// Figure returns the diagram as a 12 × 6.2 inch figure.
func (d ModelDiagram) Figure() Figure {
	return Figure{Width: 12 * vg.Inch, Height: 6.2 * vg.Inch, Draw: d.draw}
}

func rectPts(x0, y0, x1, y1 vg.Length) []vg.Point {
	return []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}, {X: x0, Y: y0}}
}

func box(c draw.Canvas, x0, y0, x1, y1 vg.Length, fillc color.Color) {
	pts := rectPts(x0, y0, x1, y1)
	if fillc != nil {
		c.FillPolygon(fillc, pts)
	}
	c.StrokeLines(draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}, pts)
}

func centred(c draw.Canvas, pt float64, col color.Color, x, y vg.Length, s string) {
	sty := TextStyle(pt, col)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.FillText(sty, vg.Point{X: x, Y: y}, s)
}

func leftText(c draw.Canvas, pt float64, col color.Color, x, y vg.Length, s string) {
	sty := TextStyle(pt, col)
	sty.YAlign = draw.YCenter
	c.FillText(sty, vg.Point{X: x, Y: y}, s)
}

// arrow draws a line from a to b with a filled head at b.
func arrow(c draw.Canvas, a, b vg.Point, col color.Color, width vg.Length) {
	c.StrokeLines(draw.LineStyle{Color: col, Width: width}, []vg.Point{a, b})
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	ux, uy := vg.Length(dx/n), vg.Length(dy/n)
	h := vg.Points(7)
	w := vg.Points(3.5)
	base := vg.Point{X: b.X - ux*h, Y: b.Y - uy*h}
	c.FillPolygon(col, []vg.Point{b, {X: base.X - uy*w, Y: base.Y + ux*w}, {X: base.X + uy*w, Y: base.Y - ux*w}})
}

func (d ModelDiagram) draw(c draw.Canvas) {
	title, foot := d.Title, d.Footnote
	fill(c, color.White)
	black := color.Black
	W := c.Max.X - c.Min.X
	top := c.Max.Y
	head := TextStyle(12, black)
	head.XAlign, head.YAlign = draw.XCenter, draw.YTop
	c.FillText(head, vg.Point{X: c.Min.X + W/2, Y: top - vg.Points(6)}, title)
	drawFootnote(c, foot)

	// (c) payoff matrix, top left.
	x0, y0 := c.Min.X+vg.Points(30), top-vg.Points(60)
	leftText(c, 13, black, x0-vg.Points(20), y0+vg.Points(14), "c")
	leftText(c, 10, black, x0, y0+vg.Points(14), "Fitness of φ_1 meeting φ_2 in the prisoner's dilemma")
	cw, ch := vg.Points(110), vg.Points(40)
	grey := color.Gray{Y: 0xf0}
	for r := range 3 {
		for k := range 3 {
			bx, by := x0+vg.Length(k)*cw, y0-vg.Length(r+1)*ch
			var fc color.Color = color.White
			if r == 0 || k == 0 {
				fc = grey
			}
			box(c, bx, by, bx+cw, by+ch, fc)
		}
	}
	centred(c, 10, black, x0+cw*1.5, y0-ch*0.5, "φ_2 = A (cooperator)")
	centred(c, 10, black, x0+cw*2.5, y0-ch*0.5, "φ_2 = B (defector)")
	centred(c, 10, black, x0+cw*0.5, y0-ch*1.5, "φ_1 = A (cooperator)")
	centred(c, 10, black, x0+cw*0.5, y0-ch*2.5, "φ_1 = B (defector)")
	for i, r := range d.Payoffs {
		row, col := 1+i/2, 1+i%2
		centred(c, 13, black, x0+cw*(vg.Length(col)+0.5), y0-ch*(vg.Length(row)+0.5), r)
	}

	// (d) horizontal transmission diagram, top right.
	dx := c.Min.X + W*0.68
	dy := y0 - ch*1.5
	leftText(c, 13, black, dx-vg.Points(120), y0+vg.Points(14), "d")
	leftText(c, 10, black, dx-vg.Points(100), y0+vg.Points(14), "Horizontal transmission between A and B")
	r := vg.Points(26)
	ax, bx := dx-vg.Points(70), dx+vg.Points(70)
	disc := func(x vg.Length, col color.Color, s string) {
		c.FillPolygon(col, circle(vg.Point{X: x, Y: dy}, r))
		centred(c, 14, black, x, dy, s)
	}
	disc(ax, ColorCooperation, "A")
	disc(bx, ColorDefection, "B")
	arrow(c, vg.Point{X: ax + r*0.8, Y: dy + r*0.7}, vg.Point{X: bx - r*0.8, Y: dy + r*0.7}, ColorCooperation, vg.Points(2.5))
	arrow(c, vg.Point{X: bx - r*0.8, Y: dy - r*0.7}, vg.Point{X: ax + r*0.8, Y: dy - r*0.7}, ColorDefection, vg.Points(2.5))
	centred(c, 12, black, dx, dy+r*0.7+vg.Points(12), "T_A: B adopts A")
	centred(c, 12, black, dx, dy-r*0.7-vg.Points(12), "T_B: A adopts B")

	// (a, b) transmission routes, bottom: one table row per route.
	ty := y0 - ch*3 - vg.Points(50)
	leftText(c, 13, black, x0-vg.Points(20), ty+vg.Points(14), "a, b")
	leftText(c, 10, black, x0+vg.Points(10), ty+vg.Points(14), "Cultural transmission: step 1 gives juveniles their phenotype; step 3 acts among juveniles after they interact")
	cols := []vg.Length{vg.Points(36), vg.Points(100), vg.Points(330), vg.Points(80)}
	rh := vg.Points(22)
	hdr := []string{"step", "route", "source of the phenotype", "probability"}
	drawRow := func(y vg.Length, cells []string, fc color.Color, pt float64) {
		x := x0
		for k, w := range cols {
			box(c, x, y-rh, x+w, y, fc)
			if k == 2 {
				leftText(c, pt, black, x+vg.Points(6), y-rh/2, cells[k])
			} else {
				centred(c, pt, black, x+w/2, y-rh/2, cells[k])
			}
			x += w
		}
	}
	drawRow(ty, hdr, grey, 10)
	for i, rr := range d.Routes {
		drawRow(ty-rh*vg.Length(i+1), rr[:], color.White, 10.5)
	}

	// The generation cycle, beside the routes table.
	gx := x0 + cols[0] + cols[1] + cols[2] + cols[3] + vg.Points(40)
	gy := ty
	leftText(c, 10, black, gx, ty+vg.Points(14), "One generation")
	steps := d.Cycle
	bw, bh := W-(gx-c.Min.X)-vg.Points(20), vg.Points(24)
	for i, s := range steps {
		y := gy - vg.Length(i)*(bh+vg.Points(12))
		box(c, gx, y-bh, gx+bw, y, color.Gray{Y: 0xf7})
		leftText(c, 9.5, black, gx+vg.Points(6), y-bh/2, s)
		if i < len(steps)-1 {
			arrow(c, vg.Point{X: gx + bw/2, Y: y - bh}, vg.Point{X: gx + bw/2, Y: y - bh - vg.Points(12)}, black, vg.Points(1))
		}
	}
}
