module github.com/culturesim/culturesim

go 1.26
