package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tickler-dev/tickler/store"
	"github.com/tickler-dev/tickler/store/importer"
	"github.com/tickler-dev/tickler/store/storetest"
)

// writeAgency writes a generated agency of staff people, each with trainings
// rows, into dir: 20 units, 40 courses.
func writeAgency(tb testing.TB, dir string, staff, trainings int) {
	tb.Helper()
	write := func(name string, fn func(w *bufio.Writer)) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriter(f)
		fn(w)
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
	write("units.csv", func(w *bufio.Writer) {
		fmt.Fprintln(w, "code,name,parent_code,head_code,email")
		fmt.Fprintln(w, "U00,Ban Tổ chức,,S00000,u00@example.vn")
		for u := 1; u < 20; u++ {
			fmt.Fprintf(w, "U%02d,Phòng %d,U00,S%05d,u%02d@example.vn\n", u, u, u, u)
		}
	})
	write("staff.csv", func(w *bufio.Writer) {
		fmt.Fprintln(w, "code,full_name,email,unit_code,manager_code,birth_date,gender,rank,education,political_theory,hired_on,left_on")
		for i := range staff {
			mgr := ""
			if i >= 20 {
				mgr = fmt.Sprintf("S%05d", i%20)
			}
			fmt.Fprintf(w, "S%05d,Nguyễn Văn %d,s%d@example.vn,U%02d,%s,%02d/%02d/%d,%s,specialist,bachelor,elementary,2010-03-01,\n",
				i, i, i, i%20, mgr, 1+i%28, 1+i%12, 1960+i%40, []string{"male", "female"}[i%2])
		}
	})
	write("courses.csv", func(w *bufio.Writer) {
		fmt.Fprintln(w, "code,name,category,level,hours,valid_months")
		fmt.Fprintln(w, "THS,Thạc sĩ,degree,master,,")
		fmt.Fprintln(w, "CCLL,Cao cấp lý luận chính trị,political_theory,advanced,,")
		for c := 2; c < 40; c++ {
			fmt.Fprintf(w, "BD%02d,Bồi dưỡng %d,refresher,,40,24\n", c, c)
		}
	})
	write("training.csv", func(w *bufio.Writer) {
		fmt.Fprintln(w, "staff_code,course_code,start_on,status,due_on,completed_on,hours")
		per := trainings / staff
		for i := range staff {
			for j := range per {
				course := fmt.Sprintf("BD%02d", 2+j)
				if j == 0 && i%10 == 0 {
					course = []string{"THS", "CCLL"}[i%20/10]
				}
				if j%2 == 0 {
					fmt.Fprintf(w, "S%05d,%s,%d-02-01,completed,%d-12-31,%d-11-30,40\n", i, course, 2015+j, 2015+j, 2015+j)
				} else {
					fmt.Fprintf(w, "S%05d,%s,%d-02-01,enrolled,%d-12-31,,\n", i, course, 2015+j, 2015+j)
				}
			}
		}
	})
}

// BenchmarkImport imports 10,000 staff and 50,000 trainings (60,060 rows)
// into an empty database ("new"), and again into one that has them ("update").
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	writeAgency(b, dir, 10000, 50000)
	ctx := context.Background()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		for _, again := range []bool{false, true} {
			name := string(d) + "/new"
			if again {
				name = string(d) + "/update"
			}
			b.Run(name, func(b *testing.B) {
				var rows int
				for b.Loop() {
					b.StopTimer()
					st := storetest.New(b, d)
					if again {
						if _, err := importer.Import(ctx, st, []string{dir}, importer.Options{}); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					rep, err := importer.Import(ctx, st, []string{dir}, importer.Options{})
					if err != nil {
						b.Fatal(err)
					}
					rows += rep.Rows()
					b.StopTimer()
					st.Close()
					b.StartTimer()
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
