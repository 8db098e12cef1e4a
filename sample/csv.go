package sample

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tickler-dev/tickler/civil"
)

// csvFiles writes the rows as the import format's CSV files. Rows are
// formatted by appending to a reused buffer: at millions of rows, going through
// []string and encoding/csv would cost more than generating them.
type csvFiles struct {
	dir   string
	files [8]*os.File
	w     [8]*bufio.Writer
	b     []byte
}

// File indices, in the order of Kinds.
const (
	fUnits = iota
	fStaff
	fCourses
	fTraining
	fAppointments
	fPlanning
	fTargets
	fEvaluations
)

func createCSV(dir string) (*csvFiles, error) {
	c := &csvFiles{dir: dir, b: make([]byte, 0, 512)}
	for i, kind := range Kinds() {
		f, err := os.Create(c.tmp(kind))
		if err != nil {
			c.abort()
			return nil, fmt.Errorf("sample: %w", err)
		}
		c.files[i] = f
		c.w[i] = bufio.NewWriterSize(f, 256<<10)
		c.w[i].WriteString(strings.Join(Columns(kind), ",") + "\n")
	}
	return c, nil
}

func (c *csvFiles) tmp(kind string) string { return filepath.Join(c.dir, "."+kind+".csv.tmp") }

// commit flushes and closes the files and gives them their final names.
func (c *csvFiles) commit() error {
	var errs []error
	for i, kind := range Kinds() {
		if err := c.w[i].Flush(); err != nil {
			errs = append(errs, err)
		}
		if err := c.files[i].Close(); err != nil {
			errs = append(errs, err)
		}
		c.files[i] = nil
		if len(errs) == 0 {
			if err := os.Rename(c.tmp(kind), filepath.Join(c.dir, kind+".csv")); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		c.abort()
		return fmt.Errorf("sample: %w", err)
	}
	return nil
}

// abort closes and removes the temporary files.
func (c *csvFiles) abort() {
	for i, kind := range Kinds() {
		if c.files[i] != nil {
			c.files[i].Close()
			c.files[i] = nil
		}
		os.Remove(c.tmp(kind))
	}
}

func (c *csvFiles) line(f int, b []byte) error {
	b = append(b, '\n')
	c.b = b
	_, err := c.w[f].Write(b)
	return err
}

// Unit writes a row of units.csv.
func (c *csvFiles) Unit(u Unit) error {
	b := c.b[:0]
	b = appendText(b, u.Code, ',')
	b = appendText(b, u.Name, ',')
	b = appendText(b, u.ParentCode, ',')
	b = appendText(b, u.HeadCode, ',')
	b = appendText(b, u.Email, 0)
	return c.line(fUnits, b)
}

// Staff writes a row of staff.csv.
func (c *csvFiles) Staff(s Staff) error {
	b := c.b[:0]
	b = appendText(b, s.Code, ',')
	b = appendText(b, s.FullName, ',')
	b = appendText(b, s.Email, ',')
	b = appendText(b, s.UnitCode, ',')
	b = appendText(b, s.ManagerCode, ',')
	b = appendDate(b, s.BirthDate, ',')
	b = appendText(b, s.Gender, ',')
	b = appendText(b, s.Rank, ',')
	b = appendText(b, s.Education, ',')
	b = appendText(b, s.PoliticalTheory, ',')
	b = appendDate(b, s.HiredOn, ',')
	b = appendDate(b, s.LeftOn, 0)
	return c.line(fStaff, b)
}

// Course writes a row of courses.csv.
func (c *csvFiles) Course(r Course) error {
	b := c.b[:0]
	b = appendText(b, r.Code, ',')
	b = appendText(b, r.Name, ',')
	b = appendText(b, r.Category, ',')
	b = appendText(b, r.Level, ',')
	b = appendNumber(b, r.Hours, ',')
	b = appendNumber(b, float64(r.ValidMonths), 0)
	return c.line(fCourses, b)
}

// Training writes a row of training.csv.
func (c *csvFiles) Training(t Training) error {
	b := c.b[:0]
	b = appendText(b, t.StaffCode, ',')
	b = appendText(b, t.CourseCode, ',')
	b = appendDate(b, t.StartOn, ',')
	b = appendText(b, t.Status, ',')
	b = appendDate(b, t.DueOn, ',')
	b = appendDate(b, t.CompletedOn, ',')
	b = appendNumber(b, t.Hours, 0)
	return c.line(fTraining, b)
}

// Appointment writes a row of appointments.csv.
func (c *csvFiles) Appointment(a Appointment) error {
	b := c.b[:0]
	b = appendText(b, a.StaffCode, ',')
	b = appendText(b, a.Position, ',')
	b = appendDate(b, a.StartOn, ',')
	b = appendText(b, a.UnitCode, ',')
	b = appendText(b, a.DecisionNo, ',')
	b = appendDate(b, a.EndOn, ',')
	b = appendDate(b, a.EndedOn, 0)
	return c.line(fAppointments, b)
}

// Planning writes a row of planning.csv.
func (c *csvFiles) Planning(p Planning) error {
	b := c.b[:0]
	b = appendText(b, p.StaffCode, ',')
	b = appendText(b, p.Position, ',')
	b = appendText(b, p.Period, ',')
	b = appendDate(b, p.ApprovedOn, ',')
	b = appendDate(b, p.ReviewedOn, ',')
	b = appendText(b, p.Status, 0)
	return c.line(fPlanning, b)
}

// Target writes a row of targets.csv.
func (c *csvFiles) Target(t Target) error {
	b := c.b[:0]
	b = appendText(b, t.Plan, ',')
	b = appendText(b, t.Category, ',')
	b = appendText(b, t.Level, ',')
	b = appendDate(b, t.StartsOn, ',')
	b = appendDate(b, t.EndsOn, ',')
	b = strconv.AppendInt(b, int64(t.Target), 10)
	return c.line(fTargets, b)
}

// Evaluation writes a row of evaluations.csv.
func (c *csvFiles) Evaluation(e Evaluation) error {
	b := c.b[:0]
	b = appendText(b, e.StaffCode, ',')
	b = strconv.AppendInt(b, int64(e.Year), 10)
	b = append(b, ',')
	b = appendText(b, e.Rating, ',')
	b = appendNumber(b, e.Score, 0)
	return c.line(fEvaluations, b)
}

// appendText appends a field, quoted as RFC 4180 asks when it holds a comma,
// a quote or a line break, then sep (0: none).
func appendText(b []byte, s string, sep byte) []byte {
	if needsQuotes(s) {
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
		b = append(b, '"')
	} else {
		b = append(b, s...)
	}
	if sep != 0 {
		b = append(b, sep)
	}
	return b
}

func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// appendDate appends YYYY-MM-DD, or nothing for the zero date.
func appendDate(b []byte, d civil.Date, sep byte) []byte {
	if !d.IsZero() {
		y, m := d.Year, int(d.Month)
		b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
			byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d.Day/10), byte('0'+d.Day%10))
	}
	if sep != 0 {
		b = append(b, sep)
	}
	return b
}

// appendNumber appends a number, or nothing for zero.
func appendNumber(b []byte, f float64, sep byte) []byte {
	switch {
	case f == 0:
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		b = strconv.AppendInt(b, int64(f), 10)
	default:
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	if sep != 0 {
		b = append(b, sep)
	}
	return b
}
