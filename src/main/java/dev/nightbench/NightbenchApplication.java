package dev.nightbench;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class NightbenchApplication {
    public static void main(String[] args) {
    }
}
