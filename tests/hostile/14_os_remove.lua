-- expect: attempt to index a nil value (global 'os')
os.remove("victim.txt")
return {f = function (x) return x end}
