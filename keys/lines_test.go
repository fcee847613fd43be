package keys

import (
	"slices"
	"testing"
)

func TestSplitLines(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		minLines int
		want     []string
		ok       bool
	}{
		{"empty", "", 1, nil, false},
		{"one line", "a\n", 1, []string{"a"}, true},
		{"no final newline", "a\nb", 1, nil, false},
		{"too few", "a\nb\n", 3, nil, false},
		{"exactly enough", "a\nb\nc\n", 3, []string{"a", "b", "c"}, true},
		{"empty lines kept", "a\n\n\n", 2, []string{"a", "", ""}, true},
		{"carriage return kept", "a\r\n", 1, []string{"a\r"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := splitLines([]byte(tt.data), tt.minLines)
			if ok != tt.ok || !slices.Equal(got, tt.want) {
				t.Fatalf("splitLines(%q, %d) = %q, %v; want %q, %v", tt.data, tt.minLines, got, ok, tt.want, tt.ok)
			}
		})
	}
}
